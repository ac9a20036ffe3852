using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Mnist.Core.Data;
using Mnist.Core.Rendering.Charts;
using TorchSharp;

namespace Mnist.Core.Runtime;

/// <summary>One object with what a support request needs: versions, platform, runtime, CPU, data cache, fonts, and each problem with its fix.</summary>
public sealed class MnistEnvironment
{
    public required string ModuleVersion { get; init; }
    public required string Platform { get; init; }
    public required string OperatingSystem { get; init; }
    public required string PowerShellVersion { get; init; }
    public required string DotNetVersion { get; init; }
    public required string RuntimeHome { get; init; }
    public string? RuntimePath { get; init; }
    public required string RuntimeVersion { get; init; }
    public bool RuntimeInstalled { get; init; }
    public bool LibTorchLoads { get; init; }
    public string? LibTorchError { get; init; }
    public int ThreadCount { get; init; }
    public int ProcessorCount { get; init; }
    public bool Avx2 { get; init; }
    public bool Avx512 { get; init; }
    /// <summary>Null where the OS does not tell (only Linux's /proc/cpuinfo is read).</summary>
    public bool? Avx512Bf16 { get; init; }
    public required string DataCache { get; init; }
    public required IReadOnlyList<string> Datasets { get; init; }
    public bool ChartFonts { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }

    /// <param name="baseFolder">What a relative $env:MNIST_RUNTIME_HOME is relative to (the cmdlet gives PowerShell's current location).</param>
    public static MnistEnvironment Probe(string moduleVersion, string powerShellVersion, string dataCache, string? baseFolder = null)
    {
        var problems = new List<string>();
        var rid = RuntimePlatform.Current;
        var pins = RuntimePins.Current;
        var home = RuntimeLocation.HomeFrom(baseFolder ?? Environment.CurrentDirectory);
        var folder = rid is null ? null : RuntimeLocation.FolderFor(rid, home);
        var installed = folder is not null && RuntimeLocation.IsInstalled(folder);
        bool loads = false;
        string? error = null;
        int threads = 0;
        if (rid is null) problems.Add($"This platform has no libtorch package (there are: {string.Join(", ", RuntimePlatform.Supported)}); training cannot run here.");
        else if (!installed) problems.Add($"The runtime is not installed in '{folder}'. Fix: Install-MnistRuntime (offline: Install-MnistRuntime -Source <folder of .nupkg files>).");
        else
        {
            try
            {
                TorchRuntime.EnsureLoaded(baseFolder);
                threads = torch.get_num_threads();
                loads = true;
            }
            catch (Exception e)
            {
                error = e.Message;
                problems.Add($"libtorch does not load: {e.Message} Fix: Install-MnistRuntime -Force" +
                    (e is MnistException { ErrorId: "VisualCppRuntimeMissing" } ? " after installing the Visual C++ Redistributable." : "."));
            }
        }
        var datasets = DatasetCatalog.All.Where(d => MnistLoader.CacheIsComplete(dataCache, d)).Select(d => d.Name).ToArray();
        if (datasets.Length == 0) problems.Add($"The data cache '{dataCache}' holds no complete dataset. Fix: Import-MnistData (downloads MNIST), or Import-MnistData -Path <folder>.");
        var fonts = HasFonts();
        if (!fonts) problems.Add("No fonts are installed, so charts cannot be drawn. Fix (Debian/Ubuntu): apt-get install fonts-dejavu-core.");
        return new MnistEnvironment
        {
            ModuleVersion = moduleVersion,
            Platform = rid ?? $"{RuntimeInformation.RuntimeIdentifier} (unsupported)",
            OperatingSystem = RuntimePlatform.Describe(),
            PowerShellVersion = powerShellVersion,
            DotNetVersion = RuntimeInformation.FrameworkDescription,
            RuntimeHome = home,
            RuntimePath = folder,
            RuntimeVersion = $"TorchSharp {pins.TorchSharpVersion}, libtorch {pins.LibTorchVersion}",
            RuntimeInstalled = installed,
            LibTorchLoads = loads,
            LibTorchError = error,
            ThreadCount = threads,
            ProcessorCount = Environment.ProcessorCount,
            Avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            Avx512 = Avx512F.IsSupported,
            Avx512Bf16 = CpuFeatures.HasFlag("avx512_bf16"),
            DataCache = dataCache,
            Datasets = datasets,
            ChartFonts = fonts,
            Problems = problems,
        };
    }

    private static bool HasFonts()
    {
        try
        {
            Rendering.Charts.ChartFonts.EnsureAvailable();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
