namespace Mnist.Core.Data;

/// <summary>
/// One image of a split with its label and where it came from: what the notebook looks at as x_train[i], y_train[i].
/// It carries its own pixels, so any model can predict it, and its dataset's identity and class names, so a
/// prediction knows whether its label is comparable.
/// </summary>
public sealed class MnistSample
{
    public MnistSample(string split, int index, int label, IReadOnlyList<string> classNames, int rows, int columns, byte[] pixels,
        DataIdentity? data = null)
    {
        if (label < 0 || label >= classNames.Count)
            throw new MnistException("LabelOutOfRange", MnistErrorKind.InvalidArgument,
                $"Label {label} is not one of the {classNames.Count} classes.", label);
        if (pixels.Length != rows * columns)
            throw new MnistException("PixelCountMismatch", MnistErrorKind.InvalidArgument,
                $"A {rows}x{columns} image has {rows * columns} pixels; got {pixels.Length}.", pixels.Length);
        Split = split;
        Index = index;
        Label = label;
        ClassNames = classNames;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
        Data = data;
    }

    public static MnistSample From(MnistSplit split, int index) =>
        new(split.Name, index, split.Labels[index], split.ClassNames, split.Rows, split.Columns, split.GetImage(index), split.Data);

    public string Split { get; }
    public int Index { get; }
    public int Label { get; }
    public string ClassName => ClassNames[Label];

    /// <summary>The classes of the dataset the sample came from, in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The dataset the sample came from (name, checksums, class names, split sizes).</summary>
    public DataIdentity? Data { get; }

    public string? DatasetName => Data?.Name;
    public int Rows { get; }
    public int Columns { get; }
    public string Shape => $"{Rows}x{Columns}";

    /// <summary>Row-major, one byte per pixel, 0 = background, 255 = full ink.</summary>
    public byte[] Pixels { get; }

    /// <summary>The share of pixels with any ink, 0 to 1 (MNIST digits cover about a fifth of the image).</summary>
    public double Ink => Pixels.Length == 0 ? 0 : (double)Pixels.Count(p => p > 0) / Pixels.Length;

    /// <summary>What a grid writes under the image: the class name (for MNIST, the digit).</summary>
    public string Title => ClassName;

    /// <summary>The pixel at row r, column c.</summary>
    public byte this[int row, int column] => Pixels[row * Columns + column];

    public override string ToString() => Rendering.SafeText.Of($"{DatasetName ?? "data"} {Split}[{Index}]: {ClassName}");
}
