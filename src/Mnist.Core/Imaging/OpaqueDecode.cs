using System.Buffers;
using SkiaSharp;

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
                pixels[i] = (byte)Math.Round(Red[rgba[o]] + Green[rgba[o + 1]] + Blue[rgba[o + 2]]);
            return new GrayImage(pixels, width, height);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>The weight times each level, as the general path's double arithmetic computes it.</summary>
    private static double[] Weights(double weight)
    {
        var products = new double[256];
        for (int level = 0; level < 256; level++) products[level] = weight * level;
        return products;
    }
}
