using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mnist.Core.Runtime;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>The resolver's name-to-file mapping on the three platforms, the pins, the package sources and the installer.</summary>
public class RuntimeTests
{
    [Theory]
    [InlineData("LibTorchSharp", "linux-x64", "libLibTorchSharp.so")]
    [InlineData("LibTorchSharp", "osx-arm64", "libLibTorchSharp.dylib")]
    [InlineData("LibTorchSharp", "win-x64", "LibTorchSharp.dll")]
    [InlineData("torch_cpu", "linux-x64", "libtorch_cpu.so")]
    [InlineData("torch_cpu", "osx-arm64", "libtorch_cpu.dylib")]
    [InlineData("torch_cpu", "win-x64", "torch_cpu.dll")]
    [InlineData("libSkiaSharp", "linux-x64", "libSkiaSharp.so")]
    [InlineData("libSkiaSharp", "osx-arm64", "libSkiaSharp.dylib")]
    [InlineData("libSkiaSharp", "win-x64", "libSkiaSharp.dll")]
    [InlineData("libHarfBuzzSharp", "win-x64", "libHarfBuzzSharp.dll")]
    [InlineData("libomp", "osx-arm64", "libomp.dylib")]
    [InlineData("libc10.so", "linux-x64", "libc10.so")]
    [InlineData("c10.dll", "win-x64", "c10.dll")]
    public void Maps_a_library_name_to_the_file_its_platform_ships(string name, string rid, string file) =>
        Assert.Equal(file, NativeLibraryNames.FileName(name, rid));

    [Theory]
    [InlineData("LibTorchSharp", true)]
    [InlineData("torch_cpu", true)]
    [InlineData("libtorch_cpu.so", true)]
    [InlineData("c10", true)]
    [InlineData("libSkiaSharp", false)]
    [InlineData("libHarfBuzzSharp", false)]
    public void Knows_which_libraries_belong_to_the_runtime(string name, bool torch) =>
        Assert.Equal(torch, NativeLibraryNames.IsTorch(name));

    [Fact]
    public void Resolves_torch_from_the_runtime_folder_and_skia_from_the_module_natives_per_platform()
    {
        var root = TempFolder();
        var runtime = Directory.CreateDirectory(Path.Combine(root, "rt")).FullName;
        File.WriteAllText(Path.Combine(runtime, RuntimeLocation.MarkerFile), "{}");
        File.WriteAllText(Path.Combine(runtime, "LibTorchSharp.dll"), "");
        var deps = Path.Combine(root, "deps");
        Directory.CreateDirectory(Path.Combine(deps, "runtimes", "osx", "native"));
        File.WriteAllText(Path.Combine(deps, "runtimes", "osx", "native", "libSkiaSharp.dylib"), "");

        Assert.Equal(Path.Combine(runtime, "LibTorchSharp.dll"), NativeResolver.Resolve("LibTorchSharp", "win-x64", runtime, deps));
        Assert.Equal(Path.Combine(deps, "runtimes", "osx", "native", "libSkiaSharp.dylib"), NativeResolver.Resolve("libSkiaSharp", "osx-arm64", runtime, deps));
        Assert.Null(NativeResolver.Resolve("libSkiaSharp", "linux-x64", runtime, deps));
        Assert.Null(NativeResolver.Resolve("libc", "linux-x64", runtime, deps));
    }

    [Fact]
    public void Refuses_a_torch_library_when_no_runtime_is_installed_so_nothing_else_binds()
    {
        var empty = TempFolder();
        var error = Assert.Throws<MnistException>(() => NativeResolver.Resolve("torch_cpu", "linux-x64", empty, empty));
        Assert.Equal("RuntimeNotInstalled", error.ErrorId);
        Assert.Contains("Install-MnistRuntime", error.Message);
    }

    [Fact]
    public void Pins_every_platform_with_a_sha512_at_build_time()
    {
        var pins = RuntimePins.Current;
        Assert.Equal("0.107.0", pins.TorchSharpVersion);
        foreach (var rid in RuntimePlatform.Supported)
        {
            var packages = pins.PackagesFor(rid);
            Assert.Equal(new[] { "torchsharp", "libtorch-cpu-" + rid }, packages.Select(p => p.Id));
            Assert.All(packages, p => Assert.Equal(64, Convert.FromBase64String(p.Sha512).Length));
        }
        Assert.Equal("RuntimeUnsupportedPlatform", Assert.Throws<MnistException>(() => pins.PackagesFor("linux-arm64")).ErrorId);
    }

    [Fact]
    public void Rejects_a_pin_line_without_a_sha512() =>
        Assert.Throws<InvalidDataException>(() => RuntimePins.Parse("torchsharp 0.107.0 not-a-hash"));

    [Fact]
    public void Installs_only_the_platforms_natives_from_a_flat_folder_and_records_the_source()
    {
        var (pins, feed) = FakeFeed(flat: true);
        var home = TempFolder();
        var progress = new List<RuntimeInstallProgress>();
        var info = new RuntimeInstaller(new FolderPackageSource(feed), home, pins).Install("win-x64", false, new Recorder(progress), CancellationToken.None);

        Assert.True(info.IsInstalled);
        Assert.False(info.WasPresent);
        Assert.Equal(feed, info.Source);
        var files = Directory.GetFiles(info.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "LICENSE.txt", "LibTorchSharp.dll", RuntimeLocation.MarkerFile, "torch_cpu.dll" }, files);
        Assert.Equal("win-glue", File.ReadAllText(Path.Combine(info.Path, "LibTorchSharp.dll")));
        Assert.Contains(progress, p => p.Status.StartsWith("Copying", StringComparison.Ordinal));
        Assert.True(progress[^1].IsFinal);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(info.Path)!, ".staging-*"));
    }

    [Fact]
    public void Finds_packages_in_the_nuget_cache_layout_and_leaves_a_present_runtime_alone()
    {
        var (pins, feed) = FakeFeed(flat: false);
        var home = TempFolder();
        var installer = new RuntimeInstaller(new FolderPackageSource(feed), home, pins);
        var first = installer.Install("osx-arm64", false, null, CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(Path.Combine(first.Path, RuntimeLocation.MarkerFile));
        var second = installer.Install("osx-arm64", false, null, CancellationToken.None);

        Assert.True(second.WasPresent);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(second.Path, RuntimeLocation.MarkerFile)));
        Assert.True(File.Exists(Path.Combine(first.Path, "libomp.dylib")));
    }

    [Fact]
    public void Refuses_a_package_whose_sha512_differs_and_installs_nothing()
    {
        var (pins, feed) = FakeFeed(flat: true);
        var tampered = Path.Combine(feed, "libtorch-cpu-win-x64.2.10.0.nupkg");
        var bytes = File.ReadAllBytes(tampered);
        bytes[^30] ^= 0xff;
        File.WriteAllBytes(tampered, bytes);
        var home = TempFolder();

        var error = Assert.Throws<MnistException>(() =>
            new RuntimeInstaller(new FolderPackageSource(feed), home, pins).Install("win-x64", false, null, CancellationToken.None));
        Assert.Equal("RuntimePackageHashMismatch", error.ErrorId);
        Assert.Contains("libtorch-cpu-win-x64.2.10.0.nupkg", error.Message);
        // Nothing at all: no runtime, no staging folder, no lock, not even the empty versioned folder.
        Assert.Empty(Directory.GetFileSystemEntries(home));
    }

    [Fact]
    public void Replaces_a_runtime_with_Force_and_clears_what_a_killed_install_left()
    {
        var (pins, feed) = FakeFeed(flat: true);
        var home = TempFolder();
        var parent = Directory.CreateDirectory(Path.Combine(home, pins.Label)).FullName;
        var leftover = Directory.CreateDirectory(Path.Combine(parent, ".staging-win-x64-0123", "win-x64")).FullName;
        File.WriteAllText(Path.Combine(leftover, "torch_cpu.dll"), "half");
        var installer = new RuntimeInstaller(new FolderPackageSource(feed), home, pins);
        installer.Install("win-x64", false, null, CancellationToken.None);
        var forced = installer.Install("win-x64", true, null, CancellationToken.None);

        Assert.False(forced.WasPresent);
        Assert.Equal(new[] { "win-x64" }, Directory.GetDirectories(parent).Select(Path.GetFileName));
    }

    [Fact]
    public void Downloads_from_a_nuget_v3_feed_through_its_service_index()
    {
        var (pins, feed) = FakeFeed(flat: true);
        using var listener = new HttpListener();
        var port = FreePort();
        var prefix = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        var requests = new List<string>();
        var serving = Task.Run(() =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = listener.GetContext(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                var path = context.Request.Url!.AbsolutePath;
                lock (requests) requests.Add(path);
                byte[] body;
                if (path == "/v3/index.json")
                    body = Encoding.UTF8.GetBytes($$"""{"version":"3.0.0","resources":[{"@id":"{{prefix}}flat/","@type":"PackageBaseAddress/3.0.0"}]}""");
                else if (path.StartsWith("/flat/", StringComparison.Ordinal) && File.Exists(Path.Combine(feed, Path.GetFileName(path))))
                    body = File.ReadAllBytes(Path.Combine(feed, Path.GetFileName(path)));
                else { context.Response.StatusCode = 404; context.Response.Close(); continue; }
                context.Response.ContentLength64 = body.Length;
                context.Response.OutputStream.Write(body);
                context.Response.Close();
            }
        });

        using var http = new HttpClient();
        var info = new RuntimeInstaller(PackageSources.From(prefix + "v3/index.json", http), TempFolder(), pins).Install("linux-x64", false, null, CancellationToken.None);
        listener.Stop();

        Assert.True(info.IsInstalled);
        Assert.Contains("/flat/libtorch-cpu-linux-x64/2.10.0/libtorch-cpu-linux-x64.2.10.0.nupkg", requests);
        Assert.Equal("linux-glue-elf", File.ReadAllText(Path.Combine(info.Path, "libtorch_cpu.so")));
    }

    [Fact]
    public void Says_which_source_does_not_exist() =>
        Assert.Equal("RuntimeSourceNotFound", Assert.Throws<MnistException>(() => PackageSources.From(Path.Combine(TempFolder(), "missing"))).ErrorId);

    [Fact]
    public void Marks_the_glibcxx_need_weak_once_and_rejects_a_file_that_is_not_elf()
    {
        var file = Path.Combine(TempFolder(), "not-elf.so");
        File.WriteAllText(file, "plain text, long enough to be mistaken for a header by a careless reader......");
        var error = Assert.Throws<MnistException>(() => WeakVersionNeed.Apply(file));
        Assert.Contains("not-elf.so", error.Message);
        Assert.Contains("not an ELF file", error.Message);
    }

    private sealed class Recorder(List<RuntimeInstallProgress> into) : IProgress<RuntimeInstallProgress>
    {
        public void Report(RuntimeInstallProgress value) => into.Add(value);
    }

    /// <summary>A folder of tiny runtime packages (the glue for three platforms, libtorch for each) and pins that match them.</summary>
    internal static (RuntimePins Pins, string Folder) FakeFeed(bool flat)
    {
        var folder = TempFolder();
        var packages = new List<RuntimePackage>();
        void Add(string id, Dictionary<string, byte[]> entries)
        {
            var version = id == "torchsharp" ? "0.107.0" : "2.10.0";
            var directory = flat ? folder : Directory.CreateDirectory(Path.Combine(folder, id, version)).FullName;
            var path = Path.Combine(directory, $"{id}.{version}.nupkg");
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                foreach (var (name, content) in entries)
                    using (var entry = zip.CreateEntry(name).Open())
                        entry.Write(content);
            packages.Add(new RuntimePackage(id, version, Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(path)))));
        }
        static byte[] B(string text) => Encoding.UTF8.GetBytes(text);
        Add("torchsharp", new()
        {
            ["runtimes/win-x64/native/LibTorchSharp.dll"] = B("win-glue"),
            ["runtimes/win-arm64/native/LibTorchSharp.dll"] = B("arm-glue"),
            ["runtimes/osx-arm64/native/libLibTorchSharp.dylib"] = B("osx-glue"),
            // A real ELF file, so the Debian fix has a version section to read (it needs nothing to change here).
            ["runtimes/linux-x64/native/libLibTorchSharp.so"] = File.ReadAllBytes("/proc/self/exe"),
            ["LICENSE.txt"] = B("MIT"),
            ["lib/net6.0/TorchSharp.dll"] = B("managed"),
        });
        Add("libtorch-cpu-win-x64", new() { ["runtimes/win-x64/native/torch_cpu.dll"] = B("torch"), ["runtimes/win-x64/native/torch_python.dll"] = B("py") });
        Add("libtorch-cpu-osx-arm64", new() { ["runtimes/osx-arm64/native/libtorch_cpu.dylib"] = B("torch"), ["runtimes/osx-arm64/native/libomp.dylib"] = B("omp") });
        Add("libtorch-cpu-linux-x64", new() { ["runtimes/linux-x64/native/libtorch_cpu.so"] = B("linux-glue-elf"), ["runtimes/linux-x64/native/libjitbackend_test.so"] = B("test") });
        return (new RuntimePins(packages), folder);
    }

    private static int FreePort()
    {
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    private static string TempFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-runtime-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public void The_allocator_keeps_freed_memory_on_linux_unless_the_user_set_glibcs_own_variables()
    {
        Assert.True(NativeAllocator.UserChoseTheirOwn(name => name == "MALLOC_TRIM_THRESHOLD_" ? "1048576" : null));
        Assert.True(NativeAllocator.UserChoseTheirOwn(name => name == "MALLOC_MMAP_THRESHOLD_" ? "65536" : null));
        Assert.False(NativeAllocator.UserChoseTheirOwn(name => name == "MALLOC_ARENA_MAX" ? "2" : null));
        bool applied = NativeAllocator.KeepFreedMemoryForReuse();
        Assert.Equal(applied, NativeAllocator.KeepFreedMemoryForReuse());
        if (!OperatingSystem.IsLinux()) Assert.False(applied);
        else if (!NativeAllocator.UserChoseTheirOwn(Environment.GetEnvironmentVariable) && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"))
            Assert.True(applied, "glibc accepted the settings");
    }

    [Fact]
    public void OpenMPs_idle_threads_spin_briefly_on_Linux_and_sleep_at_once_elsewhere_unless_the_user_chose_how_they_wait()
    {
        Assert.Equal(("GOMP_SPINCOUNT", "100000"), OpenMpWaitPolicy.ChoiceFor(linux: true));
        Assert.Equal(("OMP_WAIT_POLICY", "PASSIVE"), OpenMpWaitPolicy.ChoiceFor(linux: false));
        Assert.True(OpenMpWaitPolicy.UserChoseTheirOwn(name => name == "OMP_WAIT_POLICY" ? "ACTIVE" : null));
        Assert.True(OpenMpWaitPolicy.UserChoseTheirOwn(name => name == "GOMP_SPINCOUNT" ? "100000" : null));
        Assert.True(OpenMpWaitPolicy.UserChoseTheirOwn(name => name == "KMP_BLOCKTIME" ? "0" : null));
        Assert.False(OpenMpWaitPolicy.UserChoseTheirOwn(name => name == "OMP_NUM_THREADS" ? "2" : null));
    }
}
