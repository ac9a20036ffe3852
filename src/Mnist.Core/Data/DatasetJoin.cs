namespace Mnist.Core.Data;

/// <summary>
/// Joins datasets with the same class names and image shape into one: each split is the parts' splits one after
/// the other, and the identity names every part (a joined part counts as its own parts), so a model trained on the
/// whole remembers what it was made of. The parts' checksums are kept under their part's number ("2/train.csv").
/// </summary>
public static class DatasetJoin
{
    public static MnistDataset Join(IReadOnlyList<MnistDataset> datasets, string? name = null)
    {
        if (datasets.Count < 2)
            throw new MnistException("JoinNeedsTwoDatasets", MnistErrorKind.InvalidArgument,
                $"Joining takes at least two datasets; got {datasets.Count}.", "Dataset");
        var first = datasets[0];
        foreach (var other in datasets.Skip(1)) CheckJoinable(first, other);

        var parts = datasets.SelectMany(d => d.Parts.Count > 0 ? d.Parts : new[] { d.Identity }).ToArray();
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < parts.Length; i++)
            foreach (var (file, sum) in parts[i].Checksums) checksums[$"{i + 1}/{file}"] = sum;
        var train = Concatenate(datasets.Select(d => d.Train).ToArray(), first.LabelEncoding);
        var test = Concatenate(datasets.Select(d => d.Test).ToArray(), first.LabelEncoding);
        return new MnistDataset(name ?? string.Join("+", parts.Select(p => p.Name)), string.Join(" + ", datasets.Select(d => d.Source)),
            train, test, checksums, parts);
    }

    private static void CheckJoinable(MnistDataset first, MnistDataset other)
    {
        if (first.ImageShape == other.ImageShape && first.ClassNames.SequenceEqual(other.ClassNames)) return;
        throw new MnistException("DataJoinMismatch", MnistErrorKind.InvalidArgument,
            $"Cannot join '{first.Name}' ({first.ImageShape} images, classes {Describe(first.ClassNames)}) and '{other.Name}' " +
            $"({other.ImageShape} images, classes {Describe(other.ClassNames)}): joined datasets need the same image shape and class names in the same order.",
            other.Name);
    }

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count <= 10 ? $"[{string.Join(", ", names)}]" : $"[{string.Join(", ", names.Take(10))}, ... ({names.Count} classes)]";

    private static MnistSplit Concatenate(IReadOnlyList<MnistSplit> splits, LabelEncoding encoding)
    {
        long pixelCount = splits.Sum(s => (long)s.Pixels.Length);
        if (pixelCount > Array.MaxLength)
            throw new MnistException("DataJoinTooLarge", MnistErrorKind.LimitsExceeded,
                $"The joined {splits[0].Name} split would hold {pixelCount:N0} pixels; one split holds at most {Array.MaxLength:N0}.", splits[0].Name);
        var pixels = new byte[pixelCount];
        var labels = new byte[splits.Sum(s => s.Count)];
        int pixelOffset = 0, labelOffset = 0;
        foreach (var split in splits)
        {
            split.Pixels.CopyTo(pixels, pixelOffset);
            split.Labels.CopyTo(labels, labelOffset);
            pixelOffset += split.Pixels.Length;
            labelOffset += split.Count;
        }
        var first = splits[0];
        return new MnistSplit(first.Name, first.Rows, first.Columns, pixels, labels, first.ClassNames, encoding,
            splits.SelectMany(s => s.PartCounts).ToArray());
    }
}
