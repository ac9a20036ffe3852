namespace Mnist.Core.Data;

/// <summary>The four MNIST files: their names, alternative spellings and published SHA-256 sums.</summary>
public static class MnistFiles
{
    public sealed record KnownFile(string Name, string AltName, string Sha256, string GzipSha256, long GzipLength);

    public static readonly KnownFile TrainImages = new("train-images-idx3-ubyte", "train-images.idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422);

    public static readonly KnownFile TrainLabels = new("train-labels-idx1-ubyte", "train-labels.idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881);

    public static readonly KnownFile TestImages = new("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877);

    public static readonly KnownFile TestLabels = new("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542);

    public static readonly IReadOnlyList<KnownFile> All = new[] { TrainImages, TrainLabels, TestImages, TestLabels };

    /// <summary>The mirrors torchvision and tensorflow_datasets use; each serves the four files as .gz.</summary>
    public static readonly IReadOnlyList<string> DefaultMirrors = new[]
    {
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    };

    /// <summary>Environment variable that moves the per-user cache folder.</summary>
    public const string CacheVariable = "MNIST_DATA_DIR";

    /// <summary>Environment variable with a semicolon-separated list of mirror base addresses.</summary>
    public const string MirrorsVariable = "MNIST_MIRRORS";

    /// <summary>The cache folder, a relative <see cref="CacheVariable"/> taken from the process's current folder.</summary>
    public static string DefaultCacheFolder => CacheFolder(Environment.CurrentDirectory);

    /// <summary>The cache folder: <see cref="CacheVariable"/> (checked; relative to <paramref name="baseFolder"/>) or the per-user default.</summary>
    public static string CacheFolder(string baseFolder)
    {
        var fromEnvironment = EnvironmentSettings.Folder(CacheVariable, baseFolder);
        if (fromEnvironment is not null) return fromEnvironment;
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Mnist", "data");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "mnist");
    }

    public static IReadOnlyList<string> ConfiguredMirrors
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(MirrorsVariable);
            return string.IsNullOrWhiteSpace(fromEnvironment)
                ? DefaultMirrors
                : fromEnvironment.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>Finds a file in a folder under any of its spellings, raw or .gz; null when absent.</summary>
    public static string? Locate(string folder, KnownFile file)
    {
        foreach (var name in new[] { file.Name, file.AltName })
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();

    public static string Sha256Hex(string path)
    {
        using var stream = Persistence.InputFile.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)).ToLowerInvariant();
    }
}
