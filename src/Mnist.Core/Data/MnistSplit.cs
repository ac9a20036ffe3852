using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Data;

public enum LabelEncoding { Index, OneHot }

/// <summary>
/// One split (train or test) of an MNIST-style dataset. Holds the raw bytes and, once asked for, one
/// normalised float tensor of shape (N, 784) and one label tensor; batches are cut from those by index.
/// Deliberately not enumerable: samples are asked for by index.
/// </summary>
public sealed class MnistSplit
{
    private readonly object _tensorLock = new();
    private Tensor? _features;
    private Tensor? _labelTensor;
    private Tensor? _oneHotTensor;

    public MnistSplit(string name, int rows, int columns, byte[] pixels, byte[] labels, IReadOnlyList<string> classNames,
        LabelEncoding encoding = LabelEncoding.Index, IReadOnlyList<int>? partCounts = null)
    {
        if (pixels.Length != (long)labels.Length * rows * columns)
            throw new MnistException("DataCountMismatch", MnistErrorKind.InvalidData,
                $"The {name} split has {pixels.Length / Math.Max(1, rows * columns):N0} images but {labels.Length:N0} labels.", name);
        Name = name;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
        Labels = labels;
        ClassNames = classNames;
        LabelEncoding = encoding;
        PartCounts = partCounts?.ToArray() ?? new[] { labels.Length };
        if (PartCounts.Count == 0 || PartCounts.Any(c => c < 0) || PartCounts.Sum(c => (long)c) != labels.Length)
            throw new MnistException("DataCountMismatch", MnistErrorKind.InvalidData,
                $"The parts of the {name} split hold {PartCounts.Sum(c => (long)c):N0} images; the split has {labels.Length:N0}.", name);
    }

    public string Name { get; }

    /// <summary>The dataset this split belongs to (set when the dataset is made).</summary>
    public DataIdentity? Data { get; private set; }

    public string? DatasetName => Data?.Name;
    public int Count => Labels.Length;
    public int Rows { get; }
    public int Columns { get; }
    public int PixelsPerImage => Rows * Columns;
    public string Shape => $"{Count}x{Rows}x{Columns}";
    public LabelEncoding LabelEncoding { get; }
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All images, row-major, one byte per pixel (0 = background).</summary>
    public byte[] Pixels { get; }
    public byte[] Labels { get; }

    /// <summary>
    /// How many rows each part of a joined dataset gave this split, in row order (one part, all rows, for data that
    /// was not joined). Training holds out validation rows from every part.
    /// </summary>
    public IReadOnlyList<int> PartCounts { get; }

    /// <summary>How many images of each class the split holds.</summary>
    public int[] ClassCounts
    {
        get
        {
            var counts = new int[ClassCount];
            foreach (var label in Labels) counts[label]++;
            return counts;
        }
    }

    public ReadOnlySpan<byte> ImagePixels(int index)
    {
        CheckIndex(index);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>A copy of one image's pixels (for callers that cannot take a span, such as PowerShell).</summary>
    public byte[] GetImage(int index) => ImagePixels(index).ToArray();

    public void CheckIndex(int index)
    {
        if (index < 0 || index >= Count)
            throw new MnistException("IndexOutOfRange", MnistErrorKind.InvalidArgument,
                $"Index {index} is outside the {Name} split, which has indices 0-{Count - 1}.", index);
    }

    /// <summary>The same images with another label encoding; the pixel data and tensors are shared.</summary>
    public MnistSplit WithEncoding(LabelEncoding encoding) => encoding == LabelEncoding ? this : SharedCopy(encoding);

    /// <summary>This split as part of the dataset <paramref name="identity"/> (a shared copy if it belongs to another).</summary>
    internal MnistSplit Of(DataIdentity identity)
    {
        lock (_tensorLock)
        {
            if (Data is null) Data = identity;
            if (Data.Equals(identity)) return this;
        }
        var copy = SharedCopy(LabelEncoding);
        copy.Data = identity;
        return copy;
    }

    private MnistSplit SharedCopy(LabelEncoding encoding)
    {
        var copy = new MnistSplit(Name, Rows, Columns, Pixels, Labels, ClassNames, encoding, PartCounts);
        lock (_tensorLock)
        {
            copy._features = _features;
            copy._labelTensor = _labelTensor;
        }
        return copy;
    }

    /// <summary>The whole split as float32 (N, rows*cols), scaled to [0, 1]. Built once.</summary>
    public Tensor Features => Cached(ref _features,
        () => tensor(Pixels, new long[] { Count, PixelsPerImage }, ScalarType.Byte).to_type(ScalarType.Float32).div_(255f));

    /// <summary>Class indices as int64 (N).</summary>
    public Tensor LabelTensor => Cached(ref _labelTensor,
        () => tensor(Labels, new long[] { Count }, ScalarType.Byte).to_type(ScalarType.Int64));

    /// <summary>The training target: one-hot float (N, classes) when the split is one-hot encoded, else class indices.</summary>
    public Tensor TargetTensor => LabelEncoding == LabelEncoding.Index
        ? LabelTensor
        : Cached(ref _oneHotTensor, () => torch.nn.functional.one_hot(LabelTensor, ClassCount).to_type(ScalarType.Float32));

    /// <summary>
    /// Builds a whole-split tensor once and keeps it out of every dispose scope: it lives as long as the split,
    /// whatever scope the first caller happened to be in.
    /// </summary>
    private Tensor Cached(ref Tensor? field, Func<Tensor> create)
    {
        lock (_tensorLock)
        {
            if (field is null)
            {
                using var scope = NewDisposeScope();
                var built = create().MoveToOuterDisposeScope();
                built.DetachFromDisposeScope();
                field = built;
            }
            return field;
        }
    }

    /// <summary>A split holding only the given rows (copies the bytes).</summary>
    public MnistSplit Slice(int start, int count, string? name = null)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new MnistException("IndexOutOfRange", MnistErrorKind.InvalidArgument,
                $"Rows {start}..{start + count - 1} are outside the {Name} split (0-{Count - 1}).", start);
        var pixels = Pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray();
        var labels = Labels.AsSpan(start, count).ToArray();
        return new MnistSplit(name ?? Name, Rows, Columns, pixels, labels, ClassNames, LabelEncoding, PartCountsWithin(start, count));
    }

    /// <summary>How many of the rows start..start+count-1 each part holds (zero for a part outside them).</summary>
    private int[] PartCountsWithin(int start, int count)
    {
        var counts = new List<int>();
        int partStart = 0;
        foreach (var partCount in PartCounts)
        {
            int overlap = Math.Min(partStart + partCount, start + count) - Math.Max(partStart, start);
            counts.Add(Math.Max(0, overlap));
            partStart += partCount;
        }
        return counts.ToArray();
    }

    public override string ToString() => $"{Name}: {Count:N0} images {Rows}x{Columns}, labels {LabelEncoding}";
}
