namespace Mnist.Core.Runtime;

/// <summary>What the processor can do, as the operating system reports it.</summary>
public static class CpuFeatures
{
    /// <summary>Whether the processor lists a flag in /proc/cpuinfo; null where that cannot be read (not Linux).</summary>
    public static bool? HasFlag(string flag) => s_flags.Value?.Contains(flag);

    // Read once: the flags do not change while the process runs.
    private static readonly Lazy<HashSet<string>?> s_flags = new(ReadFlags);

    private static HashSet<string>? ReadFlags()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return null;
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
            if (line.StartsWith("flags", StringComparison.Ordinal))
                return new HashSet<string>(line.Split(' ', ':', '\t'), StringComparer.Ordinal);
        return null;
    }

    /// <summary>
    /// bfloat16 products run in hardware (AVX512-BF16 or AMX-BF16). Elsewhere libtorch would emulate them, slower than
    /// float32, so -Precision BFloat16 is refused. Unknown (not Linux) counts as no.
    /// </summary>
    public static bool FastBFloat16 => s_fastBFloat16Override ?? s_fastBFloat16.Value;

    private static readonly Lazy<bool> s_fastBFloat16 = new(() => HasFlag("avx512_bf16") == true || HasFlag("amx_bf16") == true);

    /// <summary>Tests pretend a processor without it.</summary>
    internal static bool? s_fastBFloat16Override;
}
