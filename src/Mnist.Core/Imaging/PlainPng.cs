using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mnist.Core.Imaging;

/// <summary>
/// The fast decode of a plain PNG, the kind scanners and image libraries write for digits: 8-bit gray or RGB, not
/// interlaced, no transparency, every chunk's CRC right, the zlib stream whole (its Adler-32 checked) and holding exactly
/// the picture's rows. It gives the bytes SkiaSharp's decode gives (gray as it is; colour through
/// <see cref="OpaqueDecode"/>'s luminance) at a third of its cost: .NET's zlib and the row filters undone in place. Any
/// other PNG, and any PNG with something out of the ordinary (a chunk this decode does not know, a bad checksum, a
/// short or overlong stream), is left to SkiaSharp (null), whose answer, picture or error, then stands.
/// </summary>
internal static class PlainPng
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>The picture as gray, or null when it is not a plain PNG (SkiaSharp decides).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GrayImage? TryDecode(byte[] bytes)
    {
        if (!Parse(bytes, out var header, out int dataStart, out int dataEnd, out int dataChunks)) return null;
        int bytesPerPixel = header.Colour ? 3 : 1;
        long stride = 1 + (long)header.Width * bytesPerPixel;
        long rawLength = stride * header.Height;
        if (rawLength > int.MaxValue) return null;
        var compressed = ArrayPool<byte>.Shared.Rent(dataEnd - dataStart);
        var raw = ArrayPool<byte>.Shared.Rent((int)rawLength);
        try
        {
            int length = GatherData(bytes, dataStart, dataChunks, compressed);
            if (!Inflate(compressed.AsSpan(0, length), raw.AsSpan(0, (int)rawLength))) return null;
            var pixels = new byte[header.Width * header.Height];
            if (!Unfilter(raw.AsSpan(0, (int)rawLength), (int)stride, bytesPerPixel, header.Height)) return null;
            if (header.Colour) OpaqueDecode.ToGray(raw.AsSpan(0, (int)rawLength), (int)stride, header.Width, pixels);
            else
                for (int y = 0; y < header.Height; y++)
                    raw.AsSpan(y * (int)stride + 1, header.Width).CopyTo(pixels.AsSpan(y * header.Width));
            return new GrayImage(pixels, header.Width, header.Height);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    internal readonly record struct Header(int Width, int Height, bool Colour);

    /// <summary>
    /// Walks the chunks: IHDR first; then only ancillary chunks SkiaSharp ignores when decoding to bytes without a colour
    /// space (gamma, chromaticities, sRGB, significant bits, background, physical size, time), each of its right size;
    /// one run of non-empty IDAT chunks; IEND last, at the end of the file. Every CRC is checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Parse(byte[] bytes, out Header header, out int dataStart, out int dataEnd, out int dataChunks)
    {
        header = default;
        dataStart = dataEnd = dataChunks = 0;
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature)) return false;
        int position = Signature.Length;
        bool dataDone = false;
        while (true)
        {
            if (bytes.Length - position < 12) return false;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
            if (length > (uint)(bytes.Length - position - 12)) return false;
            var typeAndData = bytes.AsSpan(position + 4, 4 + (int)length);
            if (Crc32.HashToUInt32(typeAndData) != BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position + 8 + (int)length))) return false;
            var type = typeAndData[..4];
            var data = typeAndData[4..];
            bool first = position == Signature.Length;
            if (first != type.SequenceEqual("IHDR"u8)) return false;
            if (first)
            {
                if (!ReadHeader(data, out header)) return false;
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                if (dataDone || length == 0) return false;
                if (dataChunks++ == 0) dataStart = position;
                dataEnd = position + 12 + (int)length;
            }
            else
            {
                if (dataChunks > 0) dataDone = true;
                if (type.SequenceEqual("IEND"u8)) return length == 0 && dataChunks > 0 && position + 12 == bytes.Length;
                if (!IsIgnoredAncillary(type, (int)length, header.Colour)) return false;
            }
            position += 12 + (int)length;
        }
    }

    private static bool ReadHeader(ReadOnlySpan<byte> data, out Header header)
    {
        header = default;
        if (data.Length != 13) return false;
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data), height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width == 0 || height == 0 || (ulong)width * height > InputLimits.MaxPicturePixels) return false;
        // 8 bits, gray (0) or RGB (2), deflate, adaptive filters, not interlaced.
        if (data[8] != 8 || data[9] is not (0 or 2) || data[10] != 0 || data[11] != 0 || data[12] != 0) return false;
        header = new Header((int)width, (int)height, data[9] == 2);
        return true;
    }

    private static bool IsIgnoredAncillary(ReadOnlySpan<byte> type, int length, bool colour) =>
        (type.SequenceEqual("gAMA"u8) && length == 4) || (type.SequenceEqual("cHRM"u8) && length == 32)
        || (type.SequenceEqual("sRGB"u8) && length == 1) || (type.SequenceEqual("pHYs"u8) && length == 9)
        || (type.SequenceEqual("tIME"u8) && length == 7)
        || (type.SequenceEqual("sBIT"u8) && length == (colour ? 3 : 1))
        || (type.SequenceEqual("bKGD"u8) && length == (colour ? 6 : 2));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int GatherData(byte[] bytes, int position, int chunks, byte[] into)
    {
        int length = 0;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            int size = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
            bytes.AsSpan(position + 8, size).CopyTo(into.AsSpan(length));
            length += size;
            position += 12 + size;
        }
        return length;
    }

    /// <summary>Exactly <paramref name="raw"/>'s length out of the zlib stream, which must end there with its checksum right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe bool Inflate(ReadOnlySpan<byte> compressed, Span<byte> raw)
    {
        fixed (byte* start = compressed)
        {
            using var input = new UnmanagedMemoryStream(start, compressed.Length);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            try
            {
                zlib.ReadExactly(raw);
                Span<byte> more = stackalloc byte[1];
                return zlib.Read(more) == 0;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                return false;
            }
        }
    }

    /// <summary>Undoes each row's filter in place (the filter byte stays); false for a filter type PNG does not have.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Unfilter(Span<byte> raw, int stride, int bytesPerPixel, int height)
    {
        Span<byte> previous = default;
        for (int y = 0; y < height; y++)
        {
            var row = raw.Slice(y * stride, stride);
            var line = row[1..];
            switch (row[0])
            {
                case 0:
                    break;
                case 1:
                    AddLeft(line, bytesPerPixel);
                    break;
                case 2:
                    if (y > 0) AddUp(line, previous);
                    break;
                case 3:
                    if (y == 0)
                        AddHalfLeft(line, bytesPerPixel);
                    else if (bytesPerPixel == 1)
                        AddAverageGray(line, previous);
                    else
                    {
                        for (int x = 0; x < bytesPerPixel; x++) line[x] += (byte)(previous[x] >> 1);
                        for (int x = bytesPerPixel; x < line.Length; x++) line[x] += (byte)((line[x - bytesPerPixel] + previous[x]) >> 1);
                    }
                    break;
                case 4:
                    if (y == 0)
                        AddLeft(line, bytesPerPixel);   // Paeth with no row above is Sub
                    else if (bytesPerPixel == 1)
                        AddPaethGray(line, previous);
                    else
                    {
                        for (int x = 0; x < bytesPerPixel; x++) line[x] += previous[x];
                        AddPaeth(line, previous, bytesPerPixel);
                    }
                    break;
                default:
                    return false;
            }
            previous = line;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddUp(Span<byte> line, ReadOnlySpan<byte> previous)
    {
        int x = 0;
        for (; x <= line.Length - Vector128<byte>.Count; x += Vector128<byte>.Count)
            (Vector128.Create<byte>(line[x..]) + Vector128.Create<byte>(previous[x..])).CopyTo(line[x..]);
        for (; x < line.Length; x++) line[x] += previous[x];
    }

    /// <summary>Sub: each byte plus the one a pixel to its left; for gray the running byte stays in a register (a load
    /// after the store to the same byte would wait on it, several cycles a pixel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddLeft(Span<byte> line, int bytesPerPixel)
    {
        ref byte x0 = ref MemoryMarshal.GetReference(line);
        if (bytesPerPixel == 1)
        {
            byte left = x0;
            for (int x = 1; x < line.Length; x++) Unsafe.Add(ref x0, x) = left = (byte)(Unsafe.Add(ref x0, x) + left);
            return;
        }
        for (int x = bytesPerPixel; x < line.Length; x++) Unsafe.Add(ref x0, x) += Unsafe.Add(ref x0, x - bytesPerPixel);
    }

    /// <summary>Average in the first row: each byte plus half the one a pixel to its left.</summary>
    private static void AddHalfLeft(Span<byte> line, int bytesPerPixel)
    {
        for (int x = bytesPerPixel; x < line.Length; x++) line[x] += (byte)(line[x - bytesPerPixel] >> 1);
    }

    /// <summary>Average for gray below the first row: each byte plus the mean of its left and upper neighbours, the left one kept in a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddAverageGray(Span<byte> line, ReadOnlySpan<byte> previous)
    {
        ref byte x0 = ref MemoryMarshal.GetReference(line);
        ref byte up0 = ref MemoryMarshal.GetReference(previous);
        int left = x0 = (byte)(x0 + (up0 >> 1));
        for (int x = 1; x < line.Length; x++)
            Unsafe.Add(ref x0, x) = (byte)(left = (byte)(Unsafe.Add(ref x0, x) + ((left + Unsafe.Add(ref up0, x)) >> 1)));
    }

    /// <summary>
    /// Paeth for gray below the first row, without branches: noisy rows choose among the three neighbours at random, and
    /// each mispredicted branch costs more than the whole choice made with masks. The same choice as <see cref="Paeth"/>:
    /// left when its distance is no more than the other two, else up when no more than upper-left's, else upper-left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPaethGray(Span<byte> line, ReadOnlySpan<byte> previous)
    {
        ref byte x0 = ref MemoryMarshal.GetReference(line);
        ref byte up0 = ref MemoryMarshal.GetReference(previous);
        int left = x0 = (byte)(x0 + up0);   // no left neighbour: the prediction is the upper one
        int upLeft = up0;
        for (int x = 1; x < line.Length; x++)
        {
            int up = Unsafe.Add(ref up0, x);
            int toLeft = Abs(up - upLeft), toUp = Abs(left - upLeft), toUpLeft = Abs(left + up - 2 * upLeft);
            // Up or upper-left, whichever is no farther (up on a tie); then left unless it is farther than that one.
            int upLeftNearer = (toUpLeft - toUp) >> 31;   // all ones when upper-left is nearer than up
            int upper = up ^ ((up ^ upLeft) & upLeftNearer);
            int upperDistance = toUp ^ ((toUp ^ toUpLeft) & upLeftNearer);
            int upperNearer = (upperDistance - toLeft) >> 31;   // all ones when that one is nearer than left
            int predicted = left ^ ((left ^ upper) & upperNearer);
            Unsafe.Add(ref x0, x) = (byte)(left = (byte)(Unsafe.Add(ref x0, x) + predicted));
            upLeft = up;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Abs(int value)
    {
        int sign = value >> 31;
        return (value ^ sign) - sign;
    }

    private static void AddPaeth(Span<byte> line, ReadOnlySpan<byte> previous, int bytesPerPixel)
    {
        ref byte x0 = ref MemoryMarshal.GetReference(line);
        ref byte up0 = ref MemoryMarshal.GetReference(previous);
        for (int x = bytesPerPixel; x < line.Length; x++)
            Unsafe.Add(ref x0, x) += Paeth(Unsafe.Add(ref x0, x - bytesPerPixel), Unsafe.Add(ref up0, x), Unsafe.Add(ref up0, x - bytesPerPixel));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Paeth(int left, int up, int upLeft)
    {
        int toLeft = Math.Abs(up - upLeft), toUp = Math.Abs(left - upLeft), toUpLeft = Math.Abs(left + up - 2 * upLeft);
        return (byte)(toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft);
    }
}
