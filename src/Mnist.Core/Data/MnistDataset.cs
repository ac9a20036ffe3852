namespace Mnist.Core.Data;

/// <summary>Both splits of an MNIST-style dataset, like the tuple Keras' load_data returns.</summary>
public sealed class MnistDataset
{
    public static readonly IReadOnlyList<string> DigitClassNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray();

    public static readonly IReadOnlyList<string> FashionClassNames = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    public MnistDataset(string name, string source, MnistSplit train, MnistSplit test, IReadOnlyDictionary<string, string> checksums)
    {
        Name = name;
        Source = source;
        Train = train;
        Test = test;
        Checksums = checksums;
    }

    public string Name { get; }
    public string Source { get; }
    public MnistSplit Train { get; }
    public MnistSplit Test { get; }

    /// <summary>SHA-256 of each file the data came from (uncompressed content), by file name.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }

    public LabelEncoding LabelEncoding => Train.LabelEncoding;
    public IReadOnlyList<string> ClassNames => Train.ClassNames;

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

    public override string ToString() => $"{Name} ({Train.Count:N0} train, {Test.Count:N0} test) from {Source}";
}
