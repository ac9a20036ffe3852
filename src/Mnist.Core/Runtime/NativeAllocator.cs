using System.Runtime.InteropServices;

namespace Mnist.Core.Runtime;

/// <summary>
/// Tells glibc's allocator to keep the memory of freed large tensors for the next ones instead of handing it back to
/// the system. A CNN's batch frees and allocates tens of megabytes of activations and gradients; with glibc's
/// defaults many of those blocks come back as fresh pages that fault in one by one (a Keras CNN batch of 64 saw
/// ~5x the page faults and 20-30% more time). Blocks under <see cref="MmapThreshold"/> come from the heap, and
/// up to <see cref="TrimThreshold"/> of free heap is kept. Applied once per process, on Linux only, at the first
/// training or evaluation; a user who set glibc's own MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ keeps theirs.
/// </summary>
internal static class NativeAllocator
{
    /// <summary>glibc's largest allowed mmap threshold on 64-bit systems.</summary>
    public const int MmapThreshold = 32 << 20;
    public const int TrimThreshold = 256 << 20;

    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;
    private static readonly object Gate = new();
    private static bool? s_outcome;

    /// <summary>Whether the settings are in effect (false where the platform, the C library or the user's settings rule them out).</summary>
    public static bool KeepFreedMemoryForReuse()
    {
        lock (Gate)
        {
            return s_outcome ??= !UserChoseTheirOwn(Environment.GetEnvironmentVariable) && Apply();
        }
    }

    /// <summary>Whether glibc's own variables for these settings are set (glibc read them at start; they stay).</summary>
    internal static bool UserChoseTheirOwn(Func<string, string?> environment) =>
        environment("MALLOC_MMAP_THRESHOLD_") is not null || environment("MALLOC_TRIM_THRESHOLD_") is not null;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MallocMmapThreshold, MmapThreshold) == 1 && mallopt(MallocTrimThreshold, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has no such settings)
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
