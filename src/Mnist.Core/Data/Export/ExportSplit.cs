namespace Mnist.Core.Data.Export;

/// <summary>
/// The images of one split to write: their pixels row-major one byte each, their labels, and for picture files
/// the name of each image without extension (null: the images are a split's rows, named by their index).
/// </summary>
public sealed class ExportSplit
{
    public ExportSplit(string name, int rows, int columns, byte[] pixels, byte[] labels, IReadOnlyList<string>? fileStems = null)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
        Labels = labels;
        FileStems = fileStems;
    }

    /// <summary>"train" or "test": the split whose file names the images get.</summary>
    public string Name { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int PixelsPerImage => Rows * Columns;
    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public IReadOnlyList<string>? FileStems { get; }
    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>The picture's file name without extension: its row number (five digits or more), or the given stem.</summary>
    public string FileStem(int index) => FileStems?[index] ?? index.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The IDX file names of this split, as the original MNIST names them (train-..., t10k-...).</summary>
    public (string Images, string Labels) IdxNames => Name == "train"
        ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
}
