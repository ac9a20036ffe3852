namespace Mnist.Core.Data;

/// <summary>One image of a split with its label: what the notebook looks at as x_train[i], y_train[i].</summary>
public sealed class MnistSample
{
    public MnistSample(string split, int index, int label, string className, int rows, int columns, byte[] pixels)
    {
        Split = split;
        Index = index;
        Label = label;
        ClassName = className;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    public static MnistSample From(MnistSplit split, int index)
    {
        var pixels = split.GetImage(index);
        int label = split.Labels[index];
        return new MnistSample(split.Name, index, label, split.ClassNames[label], split.Rows, split.Columns, pixels);
    }

    public string Split { get; }
    public int Index { get; }
    public int Label { get; }
    public string ClassName { get; }
    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Row-major, one byte per pixel, 0 = background, 255 = full ink.</summary>
    public byte[] Pixels { get; }

    /// <summary>The share of pixels with any ink, 0 to 1 (MNIST digits cover about a fifth of the image).</summary>
    public double Ink => Pixels.Length == 0 ? 0 : (double)Pixels.Count(p => p > 0) / Pixels.Length;

    /// <summary>What a grid writes under the image: the class name (for MNIST, the digit).</summary>
    public string Title => ClassName;

    /// <summary>The pixel at row r, column c.</summary>
    public byte this[int row, int column] => Pixels[row * Columns + column];

    public override string ToString() => $"{Split}[{Index}]: {ClassName}";
}
