using System.Runtime.InteropServices;

namespace Mnist.Core.Runtime;

/// <summary>
/// Loads libtorch and TorchSharp's glue from the installed runtime folder, by full path, before TorchSharp first
/// initialises: so its by-name loads find them already there (through the module's resolver) and its
/// copy-into-cpu/ fallback never runs, and no system libtorch is ever bound. Used by the module; a plain
/// process with libtorch beside it (the unit tests) does not need it.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static string? _loadedFrom;

    /// <summary>The runtime folder the natives were loaded from, once they are.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>The runtime folder for this platform, or null when the platform has none.</summary>
    public static string? Folder => _loadedFrom ?? (RuntimePlatform.Current is string rid ? RuntimeLocation.FolderFor(rid) : null);

    /// <param name="baseFolder">What a relative $env:MNIST_RUNTIME_HOME is relative to (the cmdlets give PowerShell's current location).</param>
    public static void EnsureLoaded(string? baseFolder = null)
    {
        if (_loadedFrom is not null) return;
        lock (Gate)
        {
            if (_loadedFrom is not null) return;
            var rid = RuntimePlatform.RequireCurrent();
            var folder = RuntimeLocation.FolderFor(rid, RuntimeLocation.HomeFrom(baseFolder ?? Environment.CurrentDirectory));
            if (!RuntimeLocation.IsInstalled(folder)) throw NotInstalled(folder);
            if (RuntimePlatform.IsWindows(rid) && VisualCppRuntimeMissing(dll => NativeLibrary.TryLoad(dll, out _)) is { } missing) throw missing;
            OpenMpWaitPolicy.ApplyBeforeLibtorchLoads();
            foreach (var name in LoadOrder(rid)) Load(folder, name, rid);
            _loadedFrom = folder;
        }
    }

    public static MnistException NotInstalled(string folder) => new("RuntimeNotInstalled", MnistErrorKind.ResourceUnavailable,
        $"The Mnist runtime (TorchSharp {RuntimePins.Current.TorchSharpVersion}, libtorch {RuntimePins.Current.LibTorchVersion}) is not installed in '{folder}'. " +
        "Run Install-MnistRuntime (or Install-MnistRuntime -Source <folder of .nupkg files> offline); set $env:MNIST_RUNTIME_HOME to use another folder.",
        folder);

    private static void Load(string folder, string name, string rid)
    {
        var path = Path.Combine(folder, NativeLibraryNames.FileName(name, rid));
        if (!File.Exists(path)) throw new MnistException("RuntimeLoadFailed", MnistErrorKind.InvalidOperation,
            $"The runtime folder '{folder}' lacks {Path.GetFileName(path)}; run Install-MnistRuntime -Force.", path);
        try
        {
            NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new MnistException("RuntimeLoadFailed", MnistErrorKind.InvalidOperation,
                $"'{path}' does not load: {e.Message} Run Get-MnistEnvironment for what this machine lacks.", path, e);
        }
    }

    /// <summary>
    /// The libraries loaded by full path, in order. libtorch_cpu.dylib names libomp by Homebrew's absolute path;
    /// the package's copy, loaded first, satisfies it.
    /// </summary>
    public static IReadOnlyList<string> LoadOrder(string rid) =>
        RuntimePlatform.IsMacOS(rid) ? new[] { "libomp", "torch_cpu", "LibTorchSharp" } : new[] { "torch_cpu", "LibTorchSharp" };

    /// <summary>The Visual C++ runtime DLLs libtorch's and TorchSharp's Windows DLLs import (MSVC builds).</summary>
    public static readonly IReadOnlyList<string> VisualCppRuntimeDlls = new[] { "vcruntime140.dll", "vcruntime140_1.dll", "msvcp140.dll" };

    /// <summary>The error to give when one of those cannot be loaded, which Windows does not always have; null when all can.</summary>
    public static MnistException? VisualCppRuntimeMissing(Func<string, bool> canLoad)
    {
        var missing = VisualCppRuntimeDlls.Where(dll => !canLoad(dll)).ToArray();
        return missing.Length == 0 ? null : new MnistException("VisualCppRuntimeMissing", MnistErrorKind.ResourceUnavailable,
            $"libtorch needs the Microsoft Visual C++ 2015-2022 Redistributable (x64), and this machine lacks {string.Join(", ", missing)}. " +
            "Install it (winget install Microsoft.VCRedist.2015+.x64), then start a new PowerShell.", string.Join(", ", missing));
    }
}
