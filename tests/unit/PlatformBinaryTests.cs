using System.Reflection.PortableExecutable;
using Mnist.Core.Runtime;
using Mnist.Core.Tests.NativeBinaries;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// Windows and macOS as far as a Linux machine can check them: the pinned runtime packages' own binaries, read from
/// the NuGet cache. Every symbol TorchSharp's native glue imports must be exported by the libtorch library beside it
/// that it names, or the glue fails to load there (TorchSharp issue #1567 reports such a failure on Windows).
/// Nothing here loads a binary; whether it runs there is not shown by this.
/// </summary>
public class PlatformBinaryTests
{
    private const string TorchSharp = "torchsharp/0.107.0", WinTorch = "libtorch-cpu-win-x64/2.10.0", MacTorch = "libtorch-cpu-osx-arm64/2.10.0";

    /// <summary>The NuGet cache as dotnet uses it: $NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    private static string Packages => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } given
        ? given : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string Native(string package, string rid) => Path.Combine(Packages, package, "runtimes", rid, "native");

    /// <summary>Skipped, with the reason, when restore has not put the pinned packages into the cache.</summary>
    private sealed class PackagesFactAttribute : FactAttribute
    {
        public PackagesFactAttribute(string rid)
        {
            var lacking = new[] { Native(TorchSharp, rid), Native(rid == "win-x64" ? WinTorch : MacTorch, rid) }.Where(d => !Directory.Exists(d)).ToArray();
            if (lacking.Length > 0)
                Skip = $"the pinned runtime packages are not in the NuGet cache ({string.Join(", ", lacking)}): run a restore " +
                       "(src/Mnist.Core/RuntimePins.targets downloads them)";
        }
    }

    [PackagesFact("win-x64")]
    public void Windows_every_name_LibTorchSharp_dll_imports_from_libtorch_is_exported_by_the_DLL_beside_it()
    {
        var folder = Native(WinTorch, "win-x64");
        var glue = PeImage.Read(Path.Combine(Native(TorchSharp, "win-x64"), "LibTorchSharp.dll"));
        Assert.Equal(Machine.Amd64, glue.Machine);
        Assert.Equal(0, glue.OrdinalImports);
        var fromLibtorch = glue.ImportsByDll.Where(import => File.Exists(Path.Combine(folder, import.Key))).ToArray();
        Assert.Contains(fromLibtorch, import => import.Key.Equals("torch_cpu.dll", StringComparison.OrdinalIgnoreCase) && import.Value.Count > 1000);
        Assert.Contains(fromLibtorch, import => import.Key.Equals("c10.dll", StringComparison.OrdinalIgnoreCase) && import.Value.Count > 100);
        foreach (var (dll, names) in fromLibtorch)
        {
            var library = PeImage.Read(Path.Combine(folder, dll));
            Assert.Equal(Machine.Amd64, library.Machine);
            if (dll.Equals("torch_cpu.dll", StringComparison.OrdinalIgnoreCase))
                Assert.True(library.Exports.Count > 8192, $"read {library.Exports.Count} exports of torch_cpu.dll: a reader that stops at 8,192 reports false misses");
            var missing = names.Where(name => !library.Exports.Contains(name)).ToArray();
            Assert.True(missing.Length == 0, $"{dll} lacks {missing.Length} of the {names.Count} names LibTorchSharp.dll imports from it, e.g. {string.Join(", ", missing.Take(5))}");
        }
    }

    [PackagesFact("win-x64")]
    public void Windows_natives_need_only_the_package_the_system_and_the_Visual_Cpp_runtime_the_module_checks_for()
    {
        var packaged = new[] { Native(WinTorch, "win-x64"), Native(TorchSharp, "win-x64") }
            .SelectMany(Directory.GetFiles).Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToArray();
        var beside = packaged.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var needed = new[] { "LibTorchSharp.dll", "torch_cpu.dll", "c10.dll" }
            .SelectMany(name => PeImage.Read(packaged.First(f => Path.GetFileName(f).Equals(name, StringComparison.OrdinalIgnoreCase))).ImportsByDll.Keys)
            .Where(dll => !beside.Contains(dll)).Select(dll => dll.ToLowerInvariant()).Distinct().ToArray();
        var visualCpp = needed.Where(dll => dll.StartsWith("msvcp", StringComparison.Ordinal) || dll.StartsWith("vcruntime", StringComparison.Ordinal) || dll.StartsWith("vcomp", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(visualCpp);
        // Every Visual C++ DLL they import is one the module checks for before loading, so its error names it.
        Assert.Empty(visualCpp.Except(TorchRuntime.VisualCppRuntimeDlls, StringComparer.OrdinalIgnoreCase));
        // The rest is Windows itself: the kernel and the universal C runtime's API sets.
        var windows = needed.Except(visualCpp).Where(dll => !(dll.StartsWith("api-ms-win-", StringComparison.Ordinal) || dll is "kernel32.dll" or "advapi32.dll" or "user32.dll" or "shell32.dll" or "ole32.dll" or "ws2_32.dll" or "psapi.dll" or "dbghelp.dll" or "bcrypt.dll" or "shlwapi.dll" or "oleaut32.dll"));
        Assert.Empty(windows);
    }

    [PackagesFact("osx-arm64")]
    public void MacOS_every_symbol_libLibTorchSharp_binds_to_a_libtorch_library_is_exported_by_it()
    {
        var folder = Native(MacTorch, "osx-arm64");
        var glue = MachOImage.Read(Path.Combine(Native(TorchSharp, "osx-arm64"), "libLibTorchSharp.dylib"));
        Assert.True(glue.TwoLevelNamespace, "two-level namespace: each undefined symbol names the library it binds to");
        Assert.DoesNotContain(glue.Imports, import => import.Ordinal == 0xFF);   // no flat lookups to check otherwise
        var exportsOf = new Dictionary<string, IReadOnlySet<string>>();
        IReadOnlySet<string> Exports(string file) => exportsOf.TryGetValue(file, out var known) ? known : exportsOf[file] = Load(file);
        IReadOnlySet<string> Load(string file)
        {
            var library = MachOImage.Read(Path.Combine(folder, file));
            // A library's exports include those of the libraries it re-exports.
            return library.ReexportedDylibs.Select(dylib => Path.GetFileName(dylib)).Where(f => File.Exists(Path.Combine(folder, f)))
                .Aggregate(new HashSet<string>(library.Exports), (all, f) => { all.UnionWith(Exports(f)); return all; });
        }

        var checkedLibraries = new List<string>();
        foreach (var group in glue.Imports.Where(i => i.Ordinal is > 0 and < 0xFE).GroupBy(i => glue.Dylibs[i.Ordinal - 1]))
        {
            var installName = group.Key;
            if (installName.StartsWith("/usr/lib/", StringComparison.Ordinal) || installName.StartsWith("/System/", StringComparison.Ordinal)) continue;
            var file = Path.GetFileName(installName);
            Assert.True(File.Exists(Path.Combine(folder, file)), $"libLibTorchSharp.dylib needs {installName}, which the package does not ship");
            var missing = group.Where(i => !i.Weak && !Exports(file).Contains(i.Name)).Select(i => i.Name).ToArray();
            Assert.True(missing.Length == 0, $"{file} lacks {missing.Length} of the {group.Count()} symbols libLibTorchSharp.dylib binds to it, e.g. {string.Join(", ", missing.Take(5))}");
            checkedLibraries.Add(file);
        }
        Assert.Contains("libtorch_cpu.dylib", checkedLibraries);
        Assert.Contains("libc10.dylib", checkedLibraries);
        // The glue is built for macOS 15, which the install notes say.
        Assert.Equal("15.0", glue.MinimumMacOS);
    }

    [PackagesFact("osx-arm64")]
    public void MacOS_libomp_is_named_by_an_absolute_path_that_only_loading_the_bundled_copy_first_satisfies()
    {
        var folder = Native(MacTorch, "osx-arm64");
        var torch = MachOImage.Read(Path.Combine(folder, "libtorch_cpu.dylib"));
        var omp = MachOImage.Read(Path.Combine(folder, "libomp.dylib"));
        var ompDependency = Assert.Single(torch.Dylibs, d => Path.GetFileName(d) == "libomp.dylib");
        Assert.StartsWith("/", ompDependency);                        // not @rpath: the folder beside it is not searched
        Assert.Equal(ompDependency, omp.InstallName);                 // the bundled copy answers to that name once loaded
        int ordinal = torch.Dylibs.ToList().IndexOf(ompDependency) + 1;
        var fromOmp = torch.Imports.Where(i => i.Ordinal == ordinal && !i.Weak).Select(i => i.Name).ToArray();
        Assert.NotEmpty(fromOmp);
        Assert.All(fromOmp, name => Assert.Contains(name, omp.Exports));
        // So the module loads it before libtorch, and every library it loads is in the package.
        var order = TorchRuntime.LoadOrder("osx-arm64").Select(name => NativeLibraryNames.FileName(name, "osx-arm64")).ToArray();
        Assert.Equal(new[] { "libomp.dylib", "libtorch_cpu.dylib", "libLibTorchSharp.dylib" }, order);
        Assert.All(order, file => Assert.True(File.Exists(Path.Combine(folder, file)) || File.Exists(Path.Combine(Native(TorchSharp, "osx-arm64"), file)), file));
    }
}
