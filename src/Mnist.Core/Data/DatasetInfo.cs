namespace Mnist.Core.Data;

/// <summary>
/// A dataset declared as data, the way torchvision declares its dataset classes: its name, its four IDX files with
/// their published SHA-256 sums, the mirrors that serve them, its class names and its image shape.
/// </summary>
public sealed record DatasetInfo
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public int Rows { get; init; } = 28;
    public int Columns { get; init; } = 28;
    public required MnistFiles.KnownFile TrainImages { get; init; }
    public required MnistFiles.KnownFile TrainLabels { get; init; }
    public required MnistFiles.KnownFile TestImages { get; init; }
    public required MnistFiles.KnownFile TestLabels { get; init; }

    /// <summary>Base addresses that serve the four files as .gz, tried in order.</summary>
    public required IReadOnlyList<string> Mirrors { get; init; }

    /// <summary>SHA-256 of the dataset as one Keras .npz file, where one is published.</summary>
    public string? NpzSha256 { get; init; }

    public IReadOnlyList<MnistFiles.KnownFile> Files => new[] { TrainImages, TrainLabels, TestImages, TestLabels };

    public string ImageShape => $"{Rows}x{Columns}";

    /// <summary>Whether the raw files' sums are published, so that a copy on disk can be recognised by them.</summary>
    public bool HasRawChecksums => Files.All(f => !string.IsNullOrEmpty(f.Sha256));

    /// <summary>
    /// Where this dataset lives in the cache: MNIST in the cache folder itself (where every earlier version of the
    /// module put it), every other dataset in a folder of its own name inside it.
    /// </summary>
    public string CacheFolderIn(string cacheRoot) =>
        Name == DatasetCatalog.Mnist.Name ? cacheRoot : Path.Combine(cacheRoot, Name);

    /// <summary>
    /// The mirrors to use: entries of <see cref="MnistFiles.MirrorsVariable"/> holding "{dataset}" serve every dataset
    /// (the placeholder becomes the name); entries without it serve MNIST only, as they always have.
    /// </summary>
    public IReadOnlyList<string> ConfiguredMirrors(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return Mirrors;
        var entries = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var mine = entries
            .Where(e => e.Contains("{dataset}", StringComparison.Ordinal) || Name == DatasetCatalog.Mnist.Name)
            .Select(e => e.Replace("{dataset}", Name, StringComparison.Ordinal))
            .ToArray();
        return mine.Length > 0 ? mine : Mirrors;
    }

    /// <summary>Whether checksums read from disk (uncompressed content, by canonical file name) are this dataset's.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> checksums)
    {
        if (NpzSha256 is not null && checksums.Count == 1 && checksums.Values.Single() == NpzSha256) return true;
        return HasRawChecksums && Files.All(f => checksums.TryGetValue(f.Name, out var sum) && sum == f.Sha256);
    }

    public override string ToString() => $"{Name}: {Title}, {ClassNames.Count} classes, {ImageShape}";
}
