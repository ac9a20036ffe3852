namespace Mnist.Core.Runtime;

/// <summary>
/// Maps the name a managed library asks for (DllImport "LibTorchSharp", NativeLibrary.TryLoad "torch_cpu",
/// "libSkiaSharp") to the file that platform's package ships, the way .NET's own probing would.
/// </summary>
public static class NativeLibraryNames
{
    /// <summary>Libraries that belong to the runtime (TorchSharp's glue and libtorch), never to the module folder or the system.</summary>
    public static bool IsTorch(string name)
    {
        var bare = Bare(name);
        return bare is "LibTorchSharp" or "torch" or "torch_cpu" or "c10" or "torch_global_deps" or "omp" or "gomp";
    }

    public static string FileName(string name, string rid)
    {
        if (name.Contains('/') || name.Contains('\\')) throw new ArgumentException($"'{name}' is a path, not a library name.", nameof(name));
        if (RuntimePlatform.IsWindows(rid))
            return name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? name : name + ".dll";
        var suffix = RuntimePlatform.IsMacOS(rid) ? ".dylib" : ".so";
        if (name.EndsWith(suffix, StringComparison.Ordinal) || (suffix == ".so" && name.Contains(".so.", StringComparison.Ordinal))) return name;
        return (name.StartsWith("lib", StringComparison.Ordinal) ? name : "lib" + name) + suffix;
    }

    private static string Bare(string name)
    {
        var file = name;
        foreach (var suffix in new[] { ".dll", ".dylib", ".so" })
            if (file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) file = file[..^suffix.Length];
        return file.StartsWith("lib", StringComparison.Ordinal) && file != "libLibTorchSharp" ? file[3..] : file == "libLibTorchSharp" ? "LibTorchSharp" : file;
    }
}
