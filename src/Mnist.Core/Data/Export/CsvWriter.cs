using System.Text;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Writes Kaggle's digit-recognizer layout: a header <c>label,pixel0,...,pixel783</c>, then one row per image, the
/// label (the class's index) and every pixel (0-255) in row-major order, in ASCII with '\n' line ends.
/// </summary>
public static class CsvWriter
{
    private static readonly byte[][] Numbers = Enumerable.Range(0, 256).Select(n => Encoding.ASCII.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    private const int Block = 1024;

    public static string Header(int pixelsPerImage) =>
        "label," + string.Join(",", Enumerable.Range(0, pixelsPerImage).Select(i => $"pixel{i}"));

    /// <summary>Writes the splits' rows one after the other under one header (a lone split, or all of some samples).</summary>
    public static void Write(Stream stream, IReadOnlyList<ExportSplit> splits, Action<int>? imagesWritten = null, CancellationToken cancel = default)
    {
        int pixels = splits[0].PixelsPerImage;
        stream.Write(Encoding.ASCII.GetBytes(Header(pixels) + "\n"));
        var line = new byte[4 * (pixels + 1) + 1];
        foreach (var split in splits)
        {
            for (int row = 0; row < split.Count; row++)
            {
                if (row % Block == 0) cancel.ThrowIfCancellationRequested();
                int length = Append(line, 0, split.Labels[row]);
                foreach (var value in split.Image(row))
                {
                    line[length++] = (byte)',';
                    length = Append(line, length, value);
                }
                line[length++] = (byte)'\n';
                stream.Write(line, 0, length);
                if (row % Block == Block - 1 || row == split.Count - 1) imagesWritten?.Invoke(row % Block + 1);
            }
        }
    }

    private static int Append(byte[] line, int at, byte value)
    {
        var digits = Numbers[value];
        digits.CopyTo(line, at);
        return at + digits.Length;
    }
}
