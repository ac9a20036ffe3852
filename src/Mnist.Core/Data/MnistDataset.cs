namespace Mnist.Core.Data;

/// <summary>Both splits of an MNIST-style dataset, like the tuple Keras' load_data returns, and what it is.</summary>
public sealed class MnistDataset
{
    public static IReadOnlyList<string> DigitClassNames => DatasetCatalog.DigitClassNames;

    public static IReadOnlyList<string> FashionClassNames => DatasetCatalog.FashionMnist.ClassNames;

    public MnistDataset(string name, string source, MnistSplit train, MnistSplit test, IReadOnlyDictionary<string, string> checksums)
    {
        if (train.Rows != test.Rows || train.Columns != test.Columns || !train.ClassNames.SequenceEqual(test.ClassNames))
            throw new MnistException("DataSplitsDiffer", MnistErrorKind.InvalidData,
                $"The splits of '{source}' differ: train {train.Rows}x{train.Columns} in {train.ClassCount} classes, test {test.Rows}x{test.Columns} in {test.ClassCount}.",
                source);
        Name = name;
        Source = source;
        Checksums = checksums;
        Identity = new DataIdentity(name, checksums, train.ClassNames, train.Count, test.Count);
        Train = train.Of(Identity);
        Test = test.Of(Identity);
        DatasetRegistry.Remember(this);
    }

    public string Name { get; }
    public string Source { get; }
    public MnistSplit Train { get; }
    public MnistSplit Test { get; }

    /// <summary>SHA-256 of each file the data came from (uncompressed content), by file name.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }

    /// <summary>Name, checksums, class names and split sizes: what a model trained on this data remembers of it.</summary>
    public DataIdentity Identity { get; }

    /// <summary>The catalogue's entry when the files are a known dataset's (recognised by their sums).</summary>
    public DatasetInfo? KnownAs => DatasetCatalog.Recognise(Checksums);

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
        encoding == LabelEncoding ? this : new MnistDataset(Name, Source, Train.WithEncoding(encoding), Test.WithEncoding(encoding), Checksums);

    /// <summary>A smaller dataset: the first trainCount training and testCount test images.</summary>
    public MnistDataset Take(int trainCount, int testCount) =>
        new(Name, Source, Train.Slice(0, Math.Min(trainCount, Train.Count)), Test.Slice(0, Math.Min(testCount, Test.Count)), Checksums);

    public override string ToString() => Rendering.SafeText.Of($"{Name} ({Train.Count:N0} train, {Test.Count:N0} test) from {Source}");
}
