using System.Buffers.Binary;

namespace Mnist.Core.Data;

/// <summary>Reads MNIST-style IDX files (images: magic 2051, labels: magic 2049), raw or gzip-compressed.</summary>
public static class IdxReader
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;

    /// <param name="Sha256">Of the uncompressed file, header included; empty when the images did not come from an IDX file.</param>
    public sealed record ImageFile(int Count, int Rows, int Columns, byte[] Pixels, string Sha256 = "");

    public sealed record LabelFile(byte[] Labels, string Sha256);

    public static ImageFile ReadImages(string path, int expectedRows = 28, int expectedColumns = 28)
    {
        using var source = IdxSource.Open(path);
        Span<byte> header = stackalloc byte[16];
        ReadMagic(source, header, ImageMagic, LabelMagic, "image", "label");
        int got = 4 + source.Read(header[4..]);
        if (got < 16) throw Truncated(path, 16, got);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || rows <= 0 || cols <= 0)
            throw new MnistException("IdxBadHeader", MnistErrorKind.InvalidData,
                $"'{path}' has an invalid IDX header: count {count}, {rows}x{cols} images.", path);
        if (rows != expectedRows || cols != expectedColumns)
            throw new MnistException("IdxWrongImageSize", MnistErrorKind.InvalidData,
                $"'{path}' holds {rows}x{cols} images; expected {expectedRows}x{expectedColumns}.", path);
        var pixels = ReadBody(source, 16, (long)count * rows * cols);
        if (!source.AtEnd())
            throw new MnistException("IdxTrailingData", MnistErrorKind.InvalidData,
                $"'{path}' is longer than its header ({count:N0} images of {rows}x{cols}, {16L + pixels.Length:N0} bytes) accounts for.", path);
        return new ImageFile(count, rows, cols, pixels, source.Sha256());
    }

    public static LabelFile ReadLabels(string path, int classCount = 10)
    {
        using var source = IdxSource.Open(path);
        Span<byte> header = stackalloc byte[8];
        ReadMagic(source, header, LabelMagic, ImageMagic, "label", "image");
        int got = 4 + source.Read(header[4..]);
        if (got < 8) throw Truncated(path, 8, got);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
            throw new MnistException("IdxBadHeader", MnistErrorKind.InvalidData, $"'{path}' has a negative label count ({count}).", path);
        var labels = ReadBody(source, 8, count);
        if (!source.AtEnd())
            throw new MnistException("IdxTrailingData", MnistErrorKind.InvalidData,
                $"'{path}' is longer than its header ({count:N0} labels, {8L + count:N0} bytes) accounts for.", path);
        int outOfRange = labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (outOfRange >= 0)
            throw new MnistException("IdxLabelOutOfRange", MnistErrorKind.InvalidData,
                $"'{path}' has label {labels[outOfRange]} at index {outOfRange}; labels must be 0-{classCount - 1}.", path);
        return new LabelFile(labels, source.Sha256());
    }

    private static void ReadMagic(IdxSource source, Span<byte> header, int expected, int other, string kind, string otherKind)
    {
        int got = source.Read(header[..4]);
        if (got < 4) throw Truncated(source.Path, header.Length, got);
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
            throw new MnistException("IdxWrongMagic", MnistErrorKind.InvalidData,
                $"'{source.Path}' is not an IDX {kind} file: its magic number is 0x{magic:X8}, expected 0x{expected:X8}" +
                (magic == other ? $" (this is an {otherKind} file)." : "."), source.Path);
    }

    /// <summary>
    /// The data a header announces, checked against what the file can really hold before anything is allocated: a
    /// raw file must have exactly that length; a .gz file must be big enough to inflate to it, and is allocated in
    /// one piece only when its gzip trailer agrees and the size is modest, else in chunks as the data arrives.
    /// </summary>
    private static byte[] ReadBody(IdxSource source, int headerLength, long length)
    {
        if (length > Array.MaxLength)
            throw new MnistException("IdxBadHeader", MnistErrorKind.InvalidData, $"'{source.Path}' declares {length:N0} bytes of data, too many to load.", source.Path);
        long total = headerLength + length;
        if (!source.CanHold(total))
            throw source.IsGzip
                ? new MnistException("IdxTruncated", MnistErrorKind.InvalidData,
                    $"'{source.Path}' is truncated: its header announces {total:N0} bytes, more than its {source.FileLength:N0} compressed bytes can hold.", source.Path)
                : Truncated(source.Path, total, source.FileLength);
        if (!source.IsGzip && source.FileLength > total)
            throw new MnistException("IdxTrailingData", MnistErrorKind.InvalidData,
                $"'{source.Path}' is longer ({source.FileLength:N0} bytes) than its header ({total:N0} bytes) accounts for.", source.Path);
        if (!source.TrailerAgrees(total) || length > InputLimits.MaxGzipPreallocation && source.IsGzip)
            return ReadInChunks(source, headerLength, length);
        // Pinned: in measurements here the pinned heap reuses freed memory where the large-object heap gave it back
        // to the system, and faulting 47 MB of fresh pages in cost more than reading and hashing the file.
        var body = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
        PagePrefault.Populate(body);
        int got = source.Read(body);
        if (got < length) throw Truncated(source.Path, headerLength + length, headerLength + got);
        return body;
    }

    private static byte[] ReadInChunks(IdxSource source, int headerLength, long length)
    {
        const int chunkSize = 4 << 20;
        var chunks = new List<byte[]>();
        long got = 0;
        while (got < length)
        {
            var chunk = new byte[(int)Math.Min(chunkSize, length - got)];
            int read = source.Read(chunk);
            got += read;
            chunks.Add(chunk);
            if (read < chunk.Length) throw Truncated(source.Path, headerLength + length, headerLength + got);
        }
        var body = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
        long offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(body, offset);
            offset += chunk.Length;
        }
        return body;
    }

    private static MnistException Truncated(string path, long expected, long actual) =>
        new("IdxTruncated", MnistErrorKind.InvalidData,
            $"'{path}' is truncated: {actual:N0} bytes, expected {expected:N0}.", path);
}
