namespace Mnist.Core.Data;

/// <summary>
/// What a dataset is, without its pixels: its name, the SHA-256 of the files it came from, its class names and how
/// many images each split holds (a slice of a dataset is another dataset). Models keep this instead of the data. A joined
/// dataset's identity also names its parts in row order (see <see cref="DatasetJoin"/>); its checksums are theirs,
/// each under its part's number.
/// </summary>
public sealed record DataIdentity
{
    public DataIdentity(string name, IReadOnlyDictionary<string, string> checksums, IReadOnlyList<string> classNames,
        int trainCount, int testCount, IReadOnlyList<DataIdentity>? parts = null)
    {
        Name = name;
        Checksums = new SortedDictionary<string, string>(checksums.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        ClassNames = classNames.ToArray();
        TrainCount = trainCount;
        TestCount = testCount;
        Parts = parts?.ToArray() ?? Array.Empty<DataIdentity>();
    }

    public string Name { get; }

    /// <summary>SHA-256 of each file the data came from (uncompressed content), by file name.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int TrainCount { get; }
    public int TestCount { get; }

    /// <summary>The datasets this one was joined from, in order; empty for data that was not joined.</summary>
    public IReadOnlyList<DataIdentity> Parts { get; }

    public bool IsJoined => Parts.Count > 0;

    /// <summary>The same files and the same slice of them, whatever the dataset was called.</summary>
    public bool IsSameDataAs(DataIdentity other) =>
        TrainCount == other.TrainCount && TestCount == other.TestCount &&
        Checksums.Count == other.Checksums.Count &&
        Checksums.All(p => other.Checksums.TryGetValue(p.Key, out var sum) && sum == p.Value) &&
        Parts.Count == other.Parts.Count && Parts.Zip(other.Parts).All(pair => pair.First.IsSameDataAs(pair.Second));

    /// <summary>The catalogue's entry for these files, when they are a known dataset's.</summary>
    public DatasetInfo? KnownDataset => IsJoined ? null : DatasetCatalog.Recognise(Checksums);

    public bool Equals(DataIdentity? other) => other is not null && Name == other.Name && IsSameDataAs(other) &&
        ClassNames.SequenceEqual(other.ClassNames);

    public override int GetHashCode() => HashCode.Combine(Name, TrainCount, TestCount);

    public override string ToString() => $"{Rendering.SafeText.Of(Name)} ({TrainCount:N0} train, {TestCount:N0} test)";
}
