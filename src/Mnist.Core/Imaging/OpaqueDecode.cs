using System.Buffers;
using SkiaSharp;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// The fast decode of an opaque picture (grayscale or colour PNG without alpha, JPEG, BMP) straight into gray bytes:
/// a gray picture is decoded as gray, a colour one into a pooled RGBA buffer and turned to gray by the same luminance
/// arithmetic as <see cref="DigitImageFile"/>'s general path, so the bytes are identical to it. A picture with alpha is
/// left to that path (its premultiplied decode is what defines its bytes).
/// </summary>
internal static class OpaqueDecode
{
    private static readonly double[] Red = Weights(0.299), Green = Weights(0.587), Blue = Weights(0.114);

    /// <summary>The picture as gray, or null when it has alpha or this decode does not succeed (the general path decides).</summary>
    public static unsafe GrayImage? TryDecode(SKCodec codec)
    {
        var info = codec.Info;
        if (info.AlphaType != SKAlphaType.Opaque) return null;
        int width = info.Width, height = info.Height, count = width * height;
        if (info.ColorType == SKColorType.Gray8)
        {
            var gray = new byte[count];
            fixed (byte* target = gray)
                if (codec.GetPixels(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), (IntPtr)target) != SKCodecResult.Success)
                    return null;
            return new GrayImage(gray, width, height);
        }
        var rgba = ArrayPool<byte>.Shared.Rent(count * 4);
        try
        {
            fixed (byte* target = rgba)
                if (codec.GetPixels(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), (IntPtr)target) != SKCodecResult.Success)
                    return null;
            var pixels = new byte[count];
            for (int i = 0, o = 0; i < pixels.Length; i++, o += 4)
                pixels[i] = Luminance(rgba[o], rgba[o + 1], rgba[o + 2]);
            return new GrayImage(pixels, width, height);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>Rows of RGB triples, each after a filter byte (a PNG's unfiltered rows), as gray.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToGray(ReadOnlySpan<byte> rows, int stride, int width, Span<byte> pixels)
    {
        for (int y = 0, i = 0; i < pixels.Length; y++)
        {
            var row = rows.Slice(y * stride + 1, 3 * width);
            for (int o = 0; o < row.Length; o += 3, i++) pixels[i] = Luminance(row[o], row[o + 1], row[o + 2]);
        }
    }

    /// <summary>0.299 R + 0.587 G + 0.114 B, rounded to even, summed in that order in doubles.</summary>
    private static byte Luminance(byte red, byte green, byte blue) => (byte)Math.Round(Red[red] + Green[green] + Blue[blue]);

    /// <summary>The weight times each level, as the general path's double arithmetic computes it.</summary>
    private static double[] Weights(double weight)
    {
        var products = new double[256];
        for (int level = 0; level < 256; level++) products[level] = weight * level;
        return products;
    }
}
