namespace Mnist.Core.Data;

/// <summary>Picks samples out of a split: by index, by label, or at random (repeatably with a seed).</summary>
public static class SampleSelector
{
    public static IEnumerable<MnistSample> ByIndex(MnistSplit split, IEnumerable<int> indices)
    {
        foreach (var index in indices)
        {
            split.CheckIndex(index);
            yield return MnistSample.From(split, index);
        }
    }

    /// <summary>
    /// For each label in turn, the first <paramref name="countPerLabel"/> samples with that label, or, with a
    /// random source, that many drawn at random from those with that label. Fewer when the split has fewer.
    /// </summary>
    public static IEnumerable<MnistSample> ByLabel(MnistSplit split, IReadOnlyList<int> labels, int countPerLabel, Random? random = null)
    {
        foreach (var label in labels) CheckLabel(split, label);
        CheckCount(countPerLabel);
        foreach (var label in labels)
        {
            var candidates = Enumerable.Range(0, split.Count).Where(i => split.Labels[i] == label);
            if (random is not null) candidates = Shuffled(candidates.ToArray(), random);
            foreach (var index in candidates.Take(countPerLabel))
                yield return MnistSample.From(split, index);
        }
    }

    /// <summary>The first <paramref name="count"/> samples, in order.</summary>
    public static IEnumerable<MnistSample> First(MnistSplit split, int count)
    {
        CheckAvailable(split, count);
        return ByIndex(split, Enumerable.Range(0, count));
    }

    /// <summary><paramref name="count"/> distinct samples drawn at random; the same seed draws the same ones.</summary>
    public static IEnumerable<MnistSample> Randomly(MnistSplit split, int count, Random random)
    {
        CheckAvailable(split, count);
        var indices = Enumerable.Range(0, split.Count).ToArray();
        return ByIndex(split, Shuffled(indices, random).Take(count));
    }

    private static void CheckAvailable(MnistSplit split, int count)
    {
        CheckCount(count);
        if (count > split.Count)
            throw new MnistException("CountTooLarge", MnistErrorKind.InvalidArgument,
                $"Cannot take {count:N0} distinct samples from the {split.Name} split, which has {split.Count:N0}.", count);
    }

    private static IEnumerable<int> Shuffled(int[] indices, Random random)
    {
        random.Shuffle(indices);
        return indices;
    }

    private static void CheckLabel(MnistSplit split, int label)
    {
        if (label < 0 || label >= split.ClassCount)
            throw new MnistException("LabelOutOfRange", MnistErrorKind.InvalidArgument,
                $"Label {label} is not a class of the {split.Name} split; its classes are 0-{split.ClassCount - 1}.", label);
    }

    private static void CheckCount(int count)
    {
        if (count < 1)
            throw new MnistException("CountOutOfRange", MnistErrorKind.InvalidArgument, $"Count must be at least 1, not {count}.", count);
    }
}
