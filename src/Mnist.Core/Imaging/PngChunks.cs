using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// Drops a PNG's large ancillary chunks before it is decoded. libpng's progressive reader, which SkiaSharp uses,
/// gathers an ancillary chunk it does not know by growing and copying a buffer for each block it is given, so its
/// time grows with the square of the chunk: measured here, a 200x200 PNG with one 4 MB chunk took 3 s, with 16 MB
/// 31-40 s, in a native call nothing interrupts. Ancillary chunks (text, Exif, times, ICC profiles) do not change
/// which pixels a digit has; the critical ones (IHDR, PLTE, IDAT, IEND) and small ancillary ones are kept.
/// </summary>
internal static class PngChunks
{
    /// <summary>Ancillary chunks up to this size are kept (tRNS is at most 256 bytes; a text chunk of a few KB costs microseconds).</summary>
    public const int MaxAncillaryChunkBytes = 64 << 10;

    private static ReadOnlySpan<byte> Signature => new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 };

    /// <summary><paramref name="bytes"/> itself when it is not a PNG or has no large ancillary chunk; else a copy without them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte[] WithoutLargeAncillaryChunks(byte[] bytes)
    {
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature)) return bytes;
        var dropped = new List<(int Start, int Length)>();
        long position = Signature.Length;
        while (position + 12 <= bytes.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)position, 4));
            long end = position + 12 + length;
            if (end > bytes.Length) break; // a truncated chunk: the decoder reports the file as incomplete
            bool ancillary = (bytes[position + 4] & 0x20) != 0;
            if (ancillary && length > MaxAncillaryChunkBytes) dropped.Add(((int)position, (int)(end - position)));
            position = end;
        }
        if (dropped.Count == 0) return bytes;
        var kept = new byte[bytes.Length - dropped.Sum(d => (long)d.Length)];
        int from = 0, to = 0;
        foreach (var (start, length) in dropped)
        {
            bytes.AsSpan(from, start - from).CopyTo(kept.AsSpan(to));
            to += start - from;
            from = start + length;
        }
        bytes.AsSpan(from).CopyTo(kept.AsSpan(to));
        return kept;
    }
}
