using System.IO.Compression;
using System.Text;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Writes a Keras-style mnist.npz: a zip of .npy arrays (format 1.0) x_train (N, rows, columns) and y_train (N),
/// x_test and y_test, all uint8, which numpy.load and Keras read. A lone split writes only its own two arrays.
/// </summary>
public static class NpzWriter
{
    public const string FileName = "mnist.npz";

    private const int Block = 4096;

    public static void Write(Stream stream, ExportImages images, Action<int>? imagesWritten = null, CancellationToken cancel = default)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var split in images.Splits)
        {
            using (var x = zip.CreateEntry($"x_{split.Name}.npy", CompressionLevel.Optimal).Open())
            {
                WriteHeader(x, split.Count, split.Rows, split.Columns);
                for (int start = 0; start < split.Count; start += Block)
                {
                    cancel.ThrowIfCancellationRequested();
                    int count = Math.Min(Block, split.Count - start);
                    x.Write(split.Pixels, start * split.PixelsPerImage, count * split.PixelsPerImage);
                    imagesWritten?.Invoke(count);
                }
            }
            using (var y = zip.CreateEntry($"y_{split.Name}.npy", CompressionLevel.Optimal).Open())
            {
                WriteHeader(y, split.Count);
                y.Write(split.Labels);
            }
        }
    }

    /// <summary>
    /// The .npy 1.0 preamble: magic, version, a little-endian 16-bit header length, and the header (a Python dict
    /// literal) padded with spaces and ended by a newline so that the data starts at a multiple of 64 bytes.
    /// </summary>
    private static void WriteHeader(Stream stream, params int[] shape)
    {
        var dims = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '|u1', 'fortran_order': False, 'shape': {dims}, }}";
        int unpadded = 10 + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var preamble = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0,
            (byte)(header.Length & 0xFF), (byte)(header.Length >> 8) };
        stream.Write(preamble);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
