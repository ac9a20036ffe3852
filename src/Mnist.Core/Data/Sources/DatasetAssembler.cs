using System.Security.Cryptography;

namespace Mnist.Core.Data.Sources;

/// <summary>
/// Makes a dataset of images read from a user's files: splits them (by the source's own layout, else by content),
/// orders each split, and gives the dataset an identity from its content: per split, the SHA-256 over every image's
/// own hash of label and pixels, sorted, so that the same files give the same identity whatever their names, order
/// or times, and a new or relabelled image changes it.
/// </summary>
public static class DatasetAssembler
{
    /// <summary>The checksum keys of a dataset made from files: one content digest per split.</summary>
    public const string TrainDigestKey = "train-content", TestDigestKey = "test-content";

    /// <param name="keepOrder">Keep the images in the order given (CSV rows); otherwise order each split by content hash,
    /// so that validation, which Keras takes from a split's end, is a content-decided pick across every class.</param>
    public static MnistDataset Assemble(string name, string source, IReadOnlyList<string> classNames, int rows, int columns,
        IReadOnlyList<LabelledImage> images, double testFraction, bool keepOrder, DataImportReport? report = null)
    {
        bool sourceSplits = images.Any(i => i.Split != SplitHint.None);
        var isTest = sourceSplits
            ? images.Select(i => i.Split == SplitHint.Test).ToArray()
            : ContentSplit.TestMembership(images, testFraction);
        var train = Order(images.Where((_, i) => !isTest[i]), keepOrder);
        var test = Order(images.Where((_, i) => isTest[i]), keepOrder);
        if (train.Count == 0)
            throw new MnistException("DataSplitEmpty", MnistErrorKind.InvalidData,
                $"'{source}' gives no training images ({images.Count:N0} images in all).", source);
        var checksums = new Dictionary<string, string>
        {
            [TrainDigestKey] = ContentDigest(train),
            [TestDigestKey] = ContentDigest(test),
        };
        return new MnistDataset(name, source, ToSplit("Train", train, classNames, rows, columns), ToSplit("Test", test, classNames, rows, columns),
            checksums) { Import = report };
    }

    private static List<LabelledImage> Order(IEnumerable<LabelledImage> images, bool keepOrder) =>
        keepOrder ? images.ToList() : images.OrderBy(i => i.ContentHash, ByteOrder.Instance).ThenBy(i => i.Label).ToList();

    private static MnistSplit ToSplit(string name, IReadOnlyList<LabelledImage> images, IReadOnlyList<string> classNames, int rows, int columns)
    {
        int size = rows * columns;
        var pixels = new byte[(long)images.Count * size];
        var labels = new byte[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            images[i].Pixels.CopyTo(pixels, (long)i * size);
            labels[i] = checked((byte)images[i].Label);
        }
        return new MnistSplit(name, rows, columns, pixels, labels, classNames);
    }

    /// <summary>SHA-256 over the sorted per-image digests of (label, pixels): independent of order.</summary>
    public static string ContentDigest(IReadOnlyList<LabelledImage> images)
    {
        var digests = new byte[images.Count][];
        Parallel.For(0, images.Count, i =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(stackalloc byte[] { (byte)images[i].Label });
            hash.AppendData(images[i].Pixels);
            digests[i] = hash.GetHashAndReset();
        });
        Array.Sort(digests, ByteOrder.Instance);
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var digest in digests) all.AppendData(digest);
        return Convert.ToHexString(all.GetHashAndReset()).ToLowerInvariant();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
