using System.Runtime.InteropServices;

namespace Mnist.Core.Runtime;

/// <summary>The platforms libtorch ships for, as NuGet runtime identifiers, and which one this process runs on.</summary>
public static class RuntimePlatform
{
    public static readonly IReadOnlyList<string> Supported = new[] { "linux-x64", "win-x64", "osx-arm64" };

    /// <summary>This process's platform, or null when libtorch has no package for it (osx-x64, win-arm64, linux-arm64).</summary>
    public static string? Current
    {
        get
        {
            var arch = RuntimeInformation.ProcessArchitecture;
            if (OperatingSystem.IsLinux() && arch == Architecture.X64) return "linux-x64";
            if (OperatingSystem.IsWindows() && arch == Architecture.X64) return "win-x64";
            if (OperatingSystem.IsMacOS() && arch == Architecture.Arm64) return "osx-arm64";
            return null;
        }
    }

    public static string Describe() => $"{RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})";

    public static string RequireCurrent() => Current ?? throw new MnistException("RuntimeUnsupportedPlatform",
        MnistErrorKind.InvalidOperation,
        $"libtorch has no CPU package for this platform ({Describe()}); the module's runtime exists for {string.Join(", ", Supported)}.");

    public static bool IsWindows(string rid) => rid.StartsWith("win", StringComparison.Ordinal);

    public static bool IsMacOS(string rid) => rid.StartsWith("osx", StringComparison.Ordinal);

    /// <summary>The folders NuGet packages use for a platform's natives, most specific first (SkiaSharp ships one universal "osx").</summary>
    public static IEnumerable<string> NativeFolders(string rid)
    {
        yield return rid;
        var os = rid[..rid.IndexOf('-')];
        if (os != rid) yield return os;
    }
}
