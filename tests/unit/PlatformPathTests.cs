using Mnist.Core.Runtime;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The module's Windows and macOS code paths, run on Linux: which files it loads and in what order, the Visual C++
/// check, and Windows-shaped names (drive letters, backslashes) that must never become a path into another folder.
/// </summary>
public class PlatformPathTests
{
    [Theory]
    [InlineData("osx-arm64", new[] { "libomp.dylib", "libtorch_cpu.dylib", "libLibTorchSharp.dylib" })]
    [InlineData("win-x64", new[] { "torch_cpu.dll", "LibTorchSharp.dll" })]
    [InlineData("linux-x64", new[] { "libtorch_cpu.so", "libLibTorchSharp.so" })]
    public void Loads_libomp_first_on_macOS_then_libtorch_then_the_glue(string rid, string[] files) =>
        Assert.Equal(files, TorchRuntime.LoadOrder(rid).Select(name => NativeLibraryNames.FileName(name, rid)));

    [Fact]
    public void The_Visual_Cpp_check_names_each_missing_DLL_and_how_to_install_it()
    {
        Assert.Null(TorchRuntime.VisualCppRuntimeMissing(_ => true));
        var error = TorchRuntime.VisualCppRuntimeMissing(dll => dll != "msvcp140.dll" && dll != "vcruntime140_1.dll");
        Assert.NotNull(error);
        Assert.Equal("VisualCppRuntimeMissing", error!.ErrorId);
        Assert.Equal("vcruntime140_1.dll, msvcp140.dll", error.Target);
        Assert.Contains("Visual C++ 2015-2022 Redistributable (x64)", error.Message);
        Assert.Contains("winget install", error.Message);
    }

    [Theory]
    [InlineData(@"C:\Users\me\Mnist\runtime\torch_cpu.dll")]
    [InlineData(@"C:torch_cpu.dll")]
    [InlineData(@"\\server\share\torch_cpu.dll")]
    [InlineData(@"..\torch_cpu")]
    [InlineData("/opt/homebrew/opt/libomp/lib/libomp.dylib")]
    [InlineData("@rpath/libtorch_cpu.dylib")]
    public void Leaves_a_path_to_the_loader_on_every_platform_instead_of_looking_it_up(string name)
    {
        var runtime = Directory.CreateTempSubdirectory("mnist-paths-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(runtime, RuntimeLocation.MarkerFile), "{}");
            foreach (var rid in RuntimePlatform.Supported)
                Assert.Null(NativeResolver.Resolve(name, rid, runtime, runtime));
        }
        finally { Directory.Delete(runtime, recursive: true); }
    }

    [Theory]
    [InlineData("runtimes/win-x64/native/torch_cpu.dll", true)]
    [InlineData("runtimes/win-x64/native/LibTorchSharp.dll", true)]
    [InlineData(@"runtimes\win-x64\native\torch_cpu.dll", false)]
    [InlineData(@"runtimes/win-x64/native/C:torch_cpu.dll", false)]
    [InlineData(@"runtimes/win-x64/native/..\..\..\evil.dll", false)]
    [InlineData(@"runtimes/win-x64/native/sub/evil.dll", false)]
    [InlineData("runtimes/win-x64/native/torch_cpu.dll:stream", false)]
    [InlineData("runtimes/osx-arm64/native/libtorch_cpu.dylib", false)]
    public void Installs_from_a_Windows_package_only_plain_files_of_its_native_folder(string entry, bool wanted) =>
        Assert.Equal(wanted, RuntimeInstaller.IsWanted(entry, "win-x64"));

    [Theory]
    [InlineData("osx-arm64", "runtimes/osx-arm64/native/libomp.dylib", true)]
    [InlineData("osx-arm64", "runtimes/osx-arm64/native/libtorch_python.dylib", false)]
    public void Installs_libomp_for_macOS_and_leaves_out_what_a_CPU_runtime_never_loads(string rid, string entry, bool wanted) =>
        Assert.Equal(wanted, RuntimeInstaller.IsWanted(entry, rid));

    [Fact]
    public void Puts_each_platforms_runtime_in_a_versioned_folder_of_its_own_under_a_Windows_home()
    {
        const string home = @"C:\Users\me\AppData\Local\Mnist\runtime";
        var folder = RuntimeLocation.FolderFor("win-x64", home);
        Assert.StartsWith(home, folder);
        Assert.EndsWith(Path.Combine(RuntimePins.Current.Label, "win-x64"), folder);
        Assert.NotEqual(folder, RuntimeLocation.FolderFor("osx-arm64", home));
    }
}
