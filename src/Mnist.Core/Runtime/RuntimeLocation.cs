namespace Mnist.Core.Runtime;

/// <summary>
/// Where the runtime lives: a per-user folder (never the module folder, so AllUsers installs and module updates keep
/// working), versioned by the pinned TorchSharp and libtorch, one subfolder per platform:
/// &lt;home&gt;/torchsharp-0.107.0-libtorch-2.10.0/linux-x64. $env:MNIST_RUNTIME_HOME overrides the home.
/// </summary>
public static class RuntimeLocation
{
    public const string HomeVariable = "MNIST_RUNTIME_HOME";

    /// <summary>Written last into a complete runtime folder; a folder without it is not a runtime.</summary>
    public const string MarkerFile = "mnist-runtime.json";

    public static string DefaultHome => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "Mnist", "runtime");

    /// <summary>The home, a relative $env:MNIST_RUNTIME_HOME taken from the process's current folder.</summary>
    public static string Home => HomeFrom(Environment.CurrentDirectory);

    /// <summary>The home: $env:MNIST_RUNTIME_HOME (checked; relative to <paramref name="baseFolder"/>, the cmdlets' current location) or the per-user default.</summary>
    public static string HomeFrom(string baseFolder) => EnvironmentSettings.Folder(HomeVariable, baseFolder) ?? DefaultHome;

    public static string FolderFor(string rid, string? home = null) => Path.Combine(home ?? Home, RuntimePins.Current.Label, rid);

    public static bool IsInstalled(string folder) => File.Exists(Path.Combine(folder, MarkerFile));
}
