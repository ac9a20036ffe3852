using SkiaSharp;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Encodes an image as an 8-bit grayscale PNG whose pixel values are exactly the image's bytes (0 = background, as
/// in MNIST: the digit is light on black), which the picture-folder import takes back exactly as it is.
/// </summary>
public static class PngWriter
{
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int rows, int columns)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(columns, rows, SKColorType.Gray8, SKAlphaType.Opaque));
        var target = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int r = 0; r < rows; r++) pixels.Slice(r * columns, columns).CopyTo(target.Slice(r * stride, columns));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new MnistException("ExportEncodeFailed", MnistErrorKind.InvalidOperation, $"SkiaSharp could not encode a {columns}x{rows} image as PNG.", null);
        return data.ToArray();
    }
}
