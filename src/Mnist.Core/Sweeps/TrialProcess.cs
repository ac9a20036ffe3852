using System.Diagnostics;

namespace Mnist.Core.Sweeps;

/// <summary>
/// A trial's own process: its output goes to the trial's log; its standard input stays open for as long as the sweep
/// lives, so a trial whose sweep dies (even by kill -9) sees the end of its input and ends itself
/// (<see cref="ParentWatch"/>).
/// </summary>
internal sealed class TrialProcess : IDisposable
{
    public const string LogFileName = "output.log";
    private readonly Process _process;
    private readonly StreamWriter _log;

    private TrialProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        Started = Stopwatch.StartNew();
    }

    public Stopwatch Started { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static TrialProcess Start(ProcessStartInfo info, string trialPath)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.CreateNoWindow = true;
        var log = new StreamWriter(Path.Combine(trialPath, LogFileName), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            log.Dispose();
            process.Dispose();
            throw new MnistException("TrialStartFailed", MnistErrorKind.ResourceUnavailable,
                $"The trial's process '{info.FileName}' could not be started: {e.Message}", info.FileName, e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new TrialProcess(process, log);
    }

    /// <summary>Ends the process and everything it started (a trial sent to another machine ends its SSH connection with it).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended on its own meanwhile.
        }
    }

    /// <summary>Why a process ended as it did, in words (on Unix an exit code above 128 is a signal).</summary>
    public static string DescribeExit(int exitCode) => exitCode switch
    {
        0 => "it ended without a result",
        137 when !OperatingSystem.IsWindows() => "its process was killed (signal 9, SIGKILL: kill -9, or the system was out of memory)",
        139 when !OperatingSystem.IsWindows() => "its process crashed (signal 11, SIGSEGV)",
        134 when !OperatingSystem.IsWindows() => "its process aborted (signal 6, SIGABRT: a native crash)",
        143 when !OperatingSystem.IsWindows() => "its process was terminated (signal 15, SIGTERM)",
        > 128 and < 160 when !OperatingSystem.IsWindows() => $"its process ended on signal {exitCode - 128}",
        _ => $"its process exited with code {exitCode}",
    };

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) Kill();
            _process.WaitForExit(); // Lets the output handlers finish before the log closes.
        }
        catch (InvalidOperationException)
        {
        }
        lock (_log) _log.Dispose();
        _process.Dispose();
    }
}
