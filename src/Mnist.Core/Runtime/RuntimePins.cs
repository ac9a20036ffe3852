using System.Reflection;

namespace Mnist.Core.Runtime;

/// <summary>One runtime package as the module was built against it: id, version and the SHA-512 of its .nupkg (base64, as NuGet writes it).</summary>
public sealed record RuntimePackage(string Id, string Version, string Sha512)
{
    public string FileName => $"{Id}.{Version}.nupkg".ToLowerInvariant();
}

/// <summary>
/// The runtime packages and their SHA-512 sums, pinned at build time (RuntimePins.targets embeds them from the
/// NuGet cache). Install-MnistRuntime installs exactly these and refuses anything whose hash differs.
/// </summary>
public sealed class RuntimePins
{
    public const string GluePackage = "torchsharp";
    public const string LibTorchPrefix = "libtorch-cpu-";
    private static readonly Lazy<RuntimePins> Embedded = new(LoadEmbedded);

    public RuntimePins(IEnumerable<RuntimePackage> packages)
    {
        Packages = packages.ToArray();
        Glue = Packages.Single(p => p.Id == GluePackage);
        LibTorchVersion = Packages.First(p => p.Id.StartsWith(LibTorchPrefix, StringComparison.Ordinal)).Version;
    }

    public static RuntimePins Current => Embedded.Value;

    public IReadOnlyList<RuntimePackage> Packages { get; }
    public RuntimePackage Glue { get; }
    public string TorchSharpVersion => Glue.Version;
    public string LibTorchVersion { get; }

    /// <summary>The name of the versioned runtime folder: a new TorchSharp or libtorch gets a folder of its own.</summary>
    public string Label => $"torchsharp-{TorchSharpVersion}-libtorch-{LibTorchVersion}";

    public IReadOnlyList<RuntimePackage> PackagesFor(string rid) =>
        new[] { Glue, Packages.SingleOrDefault(p => p.Id == LibTorchPrefix + rid) ?? throw new MnistException("RuntimeUnsupportedPlatform",
            MnistErrorKind.InvalidArgument, $"The module pins no libtorch package for '{rid}'; it has {string.Join(", ", RuntimePlatform.Supported)}.", rid) };

    public static RuntimePins Parse(string text)
    {
        var packages = new List<RuntimePackage>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || !IsSha512(parts[2])) throw new InvalidDataException($"Bad runtime pin line: '{line}'.");
            packages.Add(new RuntimePackage(parts[0].ToLowerInvariant(), parts[1], parts[2]));
        }
        return new RuntimePins(packages);
    }

    private static bool IsSha512(string base64)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written == 64;
    }

    private static RuntimePins LoadEmbedded()
    {
        using var stream = typeof(RuntimePins).Assembly.GetManifestResourceStream("Mnist.Core.runtime-pins.txt")
            ?? throw new InvalidOperationException("Mnist.Core.dll was built without its runtime pins.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
