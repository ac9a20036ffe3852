namespace Mnist.Core.Data;

/// <summary>Both splits of an MNIST-style dataset, like the tuple Keras' load_data returns, and what it is.</summary>
public sealed class MnistDataset
{
    public static IReadOnlyList<string> DigitClassNames => DatasetCatalog.DigitClassNames;

    public static IReadOnlyList<string> FashionClassNames => DatasetCatalog.FashionMnist.ClassNames;

    /// <param name="parts">For a joined dataset, the identities of its parts in row order (their split sizes are
    /// taken from the splits' <see cref="MnistSplit.PartCounts"/>).</param>
    public MnistDataset(string name, string source, MnistSplit train, MnistSplit test, IReadOnlyDictionary<string, string> checksums,
        IReadOnlyList<DataIdentity>? parts = null)
    {
        if (train.Rows != test.Rows || train.Columns != test.Columns || !train.ClassNames.SequenceEqual(test.ClassNames))
            throw new MnistException("DataSplitsDiffer", MnistErrorKind.InvalidData,
                $"The splits of '{source}' differ: train {train.Rows}x{train.Columns} in {train.ClassCount} classes, test {test.Rows}x{test.Columns} in {test.ClassCount}.",
                source);
        Name = name;
        Source = source;
        Checksums = checksums;
        Identity = new DataIdentity(name, checksums, train.ClassNames, train.Count, test.Count, PartsOf(parts, train, test, source));
        Train = train.Of(Identity);
        Test = test.Of(Identity);
        DatasetRegistry.Remember(this);
    }

    public string Name { get; }
    public string Source { get; }

    /// <summary>For data imported from a user's pictures or CSV files: what the import skipped, failed on, or took from its cache.</summary>
    public Sources.DataImportReport? Import { get; init; }

    /// <summary>How many images of each class each split holds, in label order.</summary>
    public IReadOnlyList<ClassCount> PerClass
    {
        get
        {
            var (train, test) = (Train.ClassCounts, Test.ClassCounts);
            return ClassNames.Select((name, label) => new ClassCount(label, name, train[label], test[label])).ToArray();
        }
    }

    /// <summary>Files an import from pictures passed over: not pictures by their extension, or pictures it could not use.</summary>
    public int Skipped => Import is null ? 0 : Import.Skipped + Import.Failed;
    public MnistSplit Train { get; }
    public MnistSplit Test { get; }

    /// <summary>SHA-256 of each file the data came from (uncompressed content), by file name.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }

    /// <summary>Name, checksums, class names and split sizes: what a model trained on this data remembers of it.</summary>
    public DataIdentity Identity { get; }

    /// <summary>The catalogue's entry when the files are a known dataset's (recognised by their sums).</summary>
    public DatasetInfo? KnownAs => DatasetCatalog.Recognise(Checksums);

    /// <summary>The datasets this one was joined from (Join-MnistData), in row order; empty otherwise.</summary>
    public IReadOnlyList<DataIdentity> Parts => Identity.Parts;

    public LabelEncoding LabelEncoding => Train.LabelEncoding;
    public IReadOnlyList<string> ClassNames => Train.ClassNames;
    public string ImageShape => $"{Train.Rows}x{Train.Columns}";

    public MnistSplit GetSplit(string split) => split.ToLowerInvariant() switch
    {
        "train" => Train,
        "test" => Test,
        _ => throw new MnistException("UnknownSplit", MnistErrorKind.InvalidArgument, $"Unknown split '{split}'; expected Train or Test.", split),
    };

    public MnistDataset WithEncoding(LabelEncoding encoding) =>
        encoding == LabelEncoding ? this : new MnistDataset(Name, Source, Train.WithEncoding(encoding), Test.WithEncoding(encoding), Checksums, Parts);

    /// <summary>A smaller dataset: the first trainCount training and testCount test images.</summary>
    public MnistDataset Take(int trainCount, int testCount) =>
        new(Name, Source, Train.Slice(0, Math.Min(trainCount, Train.Count)), Test.Slice(0, Math.Min(testCount, Test.Count)), Checksums, Parts);

    private static IReadOnlyList<DataIdentity>? PartsOf(IReadOnlyList<DataIdentity>? parts, MnistSplit train, MnistSplit test, string source)
    {
        if (parts is null || parts.Count == 0) return null;
        if (train.PartCounts.Count != parts.Count || test.PartCounts.Count != parts.Count)
            throw new MnistException("DataCountMismatch", MnistErrorKind.InvalidData,
                $"'{source}' names {parts.Count} parts, but its splits hold {train.PartCounts.Count} and {test.PartCounts.Count}.", source);
        return parts.Select((part, i) => new DataIdentity(part.Name, part.Checksums, part.ClassNames, train.PartCounts[i], test.PartCounts[i]))
            .ToArray();
    }

    public override string ToString() => Rendering.SafeText.Of($"{Name} ({Train.Count:N0} train, {Test.Count:N0} test) from {Source}");
}

/// <summary>One class of a dataset and how many images of it each split holds.</summary>
public sealed record ClassCount(int Class, string Name, int Train, int Test)
{
    public override string ToString() => $"{Name}: {Train:N0}/{Test:N0}";
}
