using System.Buffers.Binary;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Writes IDX files as the original MNIST has them: a big-endian header (magic 0x00000803 and count, rows, columns
/// for images; 0x00000801 and count for labels), then one unsigned byte per pixel or label.
/// </summary>
public static class IdxWriter
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Rows of images written between checks for cancellation.</summary>
    private const int Block = 4096;

    public static void WriteImages(Stream stream, ExportSplit split, Action<int>? imagesWritten = null, CancellationToken cancel = default)
    {
        WriteHeader(stream, ImagesMagic, split.Count, split.Rows, split.Columns);
        for (int start = 0; start < split.Count; start += Block)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(Block, split.Count - start);
            stream.Write(split.Pixels, start * split.PixelsPerImage, count * split.PixelsPerImage);
            imagesWritten?.Invoke(count);
        }
    }

    public static void WriteLabels(Stream stream, ExportSplit split, CancellationToken cancel = default)
    {
        cancel.ThrowIfCancellationRequested();
        WriteHeader(stream, LabelsMagic, split.Count);
        stream.Write(split.Labels);
    }

    private static void WriteHeader(Stream stream, int magic, params int[] dimensions)
    {
        var header = new byte[4 * (1 + dimensions.Length)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), dimensions[i]);
        stream.Write(header);
    }
}
