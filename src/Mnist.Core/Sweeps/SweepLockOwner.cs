using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mnist.Core.Sweeps;

/// <summary>
/// Who holds (or last held) a sweep folder's lock: the line the running sweep writes into sweep.lock (process id,
/// machine, when it took the lock). The lock file stays after the sweep ends, so a reader that does not take the lock
/// (Get-MnistSweep) can tell a running sweep's trials from a killed sweep's without disturbing either.
/// </summary>
public sealed record SweepLockOwner(int ProcessId, string Machine, DateTimeOffset Taken)
{
    private const int MaxLineBytes = 1024;

    public static SweepLockOwner Current() => new(Environment.ProcessId, Environment.MachineName, DateTimeOffset.Now);

    public string ToLine() => $"{ProcessId} {Machine} {Taken:O}\n";

    /// <summary>The owner recorded in <paramref name="lockFile"/>; null when there is none or it cannot be read (the file is untrusted).</summary>
    public static SweepLockOwner? Read(string lockFile)
    {
        try
        {
            using var stream = new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[MaxLineBytes];
            int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var parts = Encoding.UTF8.GetString(buffer, 0, length).Trim().Split(' ');
            return parts.Length == 3
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && DateTimeOffset.TryParse(parts[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var taken)
                ? new SweepLockOwner(id, parts[1], taken) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// False only when the owner is known to have ended: it ran on this machine and its process is gone, or the
    /// process now under its id started after the lock was taken (the id was reused). Another machine's sweep (a
    /// shared folder) counts as running.
    /// </summary>
    public bool StillRunning()
    {
        if (!string.Equals(Machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return process.StartTime.ToUniversalTime() <= Taken.UtcDateTime.AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // No such process: the sweep ended.
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // Cannot tell: keep what the trials recorded.
        }
    }
}
