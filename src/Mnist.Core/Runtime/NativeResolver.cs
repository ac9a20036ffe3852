namespace Mnist.Core.Runtime;

/// <summary>
/// Where a native library asked for by name is, for the module's load context: TorchSharp's and libtorch's in the
/// installed runtime folder, SkiaSharp's and HarfBuzzSharp's under the module's runtimes/&lt;rid&gt;/native. Nothing
/// from the system; for a libtorch name without a runtime it refuses, so that no other libtorch is bound.
/// </summary>
public static class NativeResolver
{
    private static readonly string Deps = Path.GetDirectoryName(typeof(NativeResolver).Assembly.Location) ?? AppContext.BaseDirectory;

    private static readonly char[] PathCharacters = { '/', '\\', ':' };

    /// <remarks>
    /// Only a libtorch name asks where the runtime is: that reads $env:MNIST_RUNTIME_HOME, and checking it must not
    /// itself need a native library by name (libc for stat), which would come back here without end.
    /// </remarks>
    public static string? Resolve(string name) =>
        Resolve(name, RuntimePlatform.Current, NativeLibraryNames.IsTorch(name) ? TorchRuntime.Folder : null, Deps);

    public static string? Resolve(string name, string? rid, string? runtimeFolder, string modulePackagesFolder)
    {
        // A path (also a Windows one: "C:\\x\\torch_cpu.dll", or drive-relative "C:torch_cpu.dll", which Path.Combine
        // would take as rooted on Windows) is the loader's to open as given, not a name to look up.
        if (rid is null || name.IndexOfAny(PathCharacters) >= 0) return null;
        var file = NativeLibraryNames.FileName(name, rid);
        if (NativeLibraryNames.IsTorch(name))
        {
            if (runtimeFolder is null || !RuntimeLocation.IsInstalled(runtimeFolder)) throw TorchRuntime.NotInstalled(runtimeFolder ?? "(none)");
            var path = Path.Combine(runtimeFolder, file);
            return File.Exists(path) ? path : null;
        }
        foreach (var folder in RuntimePlatform.NativeFolders(rid))
        {
            var path = Path.Combine(modulePackagesFolder, "runtimes", folder, "native", file);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
