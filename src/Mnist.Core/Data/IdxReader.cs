using System.Buffers.Binary;
using System.IO.Compression;

namespace Mnist.Core.Data;

/// <summary>Reads MNIST-style IDX files (images: magic 2051, labels: magic 2049), raw or gzip-compressed.</summary>
public static class IdxReader
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;

    public sealed record ImageFile(int Count, int Rows, int Columns, byte[] Pixels);

    public static ImageFile ReadImages(string path, int expectedRows = 28, int expectedColumns = 28) =>
        ParseImages(ReadAllBytesMaybeGzip(path), path, expectedRows, expectedColumns);

    public static byte[] ReadLabels(string path, int classCount = 10) => ParseLabels(ReadAllBytesMaybeGzip(path), path, classCount);

    /// <param name="path">Names the file in error messages.</param>
    public static ImageFile ParseImages(byte[] bytes, string path, int expectedRows = 28, int expectedColumns = 28)
    {
        if (bytes.Length < 4)
            throw Truncated(path, 16, bytes.Length);
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImageMagic)
            throw new MnistException("IdxWrongMagic", MnistErrorKind.InvalidData,
                $"'{path}' is not an IDX image file: its magic number is 0x{magic:X8}, expected 0x{ImageMagic:X8}" +
                (magic == LabelMagic ? " (this is a label file)." : "."), path);
        if (bytes.Length < 16)
            throw Truncated(path, 16, bytes.Length);
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 0 || rows <= 0 || cols <= 0)
            throw new MnistException("IdxBadHeader", MnistErrorKind.InvalidData,
                $"'{path}' has an invalid IDX header: count {count}, {rows}x{cols} images.", path);
        if (rows != expectedRows || cols != expectedColumns)
            throw new MnistException("IdxWrongImageSize", MnistErrorKind.InvalidData,
                $"'{path}' holds {rows}x{cols} images; expected {expectedRows}x{expectedColumns}.", path);
        long expected = 16L + (long)count * rows * cols;
        if (bytes.Length < expected)
            throw Truncated(path, expected, bytes.Length);
        if (bytes.Length > expected)
            throw new MnistException("IdxTrailingData", MnistErrorKind.InvalidData,
                $"'{path}' is {bytes.Length:N0} bytes; its header ({count:N0} images of {rows}x{cols}) accounts for {expected:N0}.", path);
        return new ImageFile(count, rows, cols, bytes.AsSpan(16).ToArray());
    }

    public static byte[] ParseLabels(byte[] bytes, string path, int classCount = 10)
    {
        if (bytes.Length < 4)
            throw Truncated(path, 8, bytes.Length);
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelMagic)
            throw new MnistException("IdxWrongMagic", MnistErrorKind.InvalidData,
                $"'{path}' is not an IDX label file: its magic number is 0x{magic:X8}, expected 0x{LabelMagic:X8}" +
                (magic == ImageMagic ? " (this is an image file)." : "."), path);
        if (bytes.Length < 8)
            throw Truncated(path, 8, bytes.Length);
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0)
            throw new MnistException("IdxBadHeader", MnistErrorKind.InvalidData, $"'{path}' has a negative label count ({count}).", path);
        long expected = 8L + count;
        if (bytes.Length < expected)
            throw Truncated(path, expected, bytes.Length);
        if (bytes.Length > expected)
            throw new MnistException("IdxTrailingData", MnistErrorKind.InvalidData,
                $"'{path}' is {bytes.Length:N0} bytes; its header ({count:N0} labels) accounts for {expected:N0}.", path);
        var labels = bytes.AsSpan(8).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new MnistException("IdxLabelOutOfRange", MnistErrorKind.InvalidData,
                    $"'{path}' has label {labels[i]} at index {i}; labels must be 0-{classCount - 1}.", path);
        }
        return labels;
    }

    /// <summary>Reads a file, decompressing it when it starts with the gzip signature.</summary>
    public static byte[] ReadAllBytesMaybeGzip(string path)
    {
        if (!File.Exists(path))
            throw new MnistException("DataFileNotFound", MnistErrorKind.NotFound, $"Data file '{path}' does not exist.", path);
        var raw = File.ReadAllBytes(path);
        bool isGzip = raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
        if (!isGzip)
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new MnistException("IdxNotGzip", MnistErrorKind.InvalidData,
                    $"'{path}' is named .gz but is not gzip-compressed (no gzip signature 1F 8B).", path);
            return raw;
        }
        try
        {
            using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 4);
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MnistException("IdxCorruptGzip", MnistErrorKind.InvalidData,
                $"'{path}' is a damaged or truncated gzip file: {e.Message}", path, e);
        }
    }

    private static MnistException Truncated(string path, long expected, long actual) =>
        new("IdxTruncated", MnistErrorKind.InvalidData,
            $"'{path}' is truncated: {actual:N0} bytes, expected {expected:N0}.", path);
}
