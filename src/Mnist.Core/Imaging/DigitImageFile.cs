using SkiaSharp;

namespace Mnist.Core.Imaging;

/// <summary>Reads a picture file (PNG, JPEG, BMP, GIF, WebP: whatever SkiaSharp decodes) and prepares it as an MNIST digit.</summary>
public static class DigitImageFile
{
    /// <summary>The file's 28x28 MNIST-style pixels (0 = background, 255 = ink).</summary>
    public static byte[] Prepare(string path)
    {
        var prepared = DigitPreprocessor.Prepare(ReadGray(path))
            ?? throw new MnistException("ImageBlank", MnistErrorKind.InvalidData,
                $"The image '{path}' holds no digit: it is a single flat colour.", path);
        return prepared.Pixels;
    }

    /// <summary>The file as grayscale; transparent pixels count as white paper.</summary>
    public static GrayImage ReadGray(string path)
    {
        if (Directory.Exists(path))
            throw new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"'{path}' is a folder, not an image file.", path);
        if (!File.Exists(path))
            throw new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"The image file '{path}' does not exist.", path);
        try
        {
            using var stream = File.OpenRead(path);
            return DecodeGray(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData, $"The image file '{path}' cannot be read: {e.Message}", path, e);
        }
    }

    /// <summary>
    /// Decodes a picture already read (or being read) from <paramref name="path"/>, which only names it in errors.
    /// Callers that hash a file's bytes before decoding them (the picture-folder import) decode from those bytes.
    /// </summary>
    public static GrayImage DecodeGray(Stream stream, string path)
    {
        using var codec = SKCodec.Create(stream);
        if (codec is null)
            throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                $"The file '{path}' is not an image that can be decoded (PNG, JPEG, BMP, GIF or WebP expected).", path);
        // The size comes from the header; it is checked before a single pixel is decoded.
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > InputLimits.MaxPicturePixels)
            throw new MnistException("ImageTooLarge", MnistErrorKind.LimitsExceeded,
                $"The image '{path}' is {width:N0}x{height:N0} pixels; pictures up to {InputLimits.MaxPicturePixels / (1 << 20)} megapixels are read (scale it down first).", path);
        if (OpaqueDecode.TryDecode(codec) is { } opaque) return opaque;
        var bitmap = SKBitmap.Decode(codec)
            ?? throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                $"The file '{path}' is not an image that can be decoded (PNG, JPEG, BMP, GIF or WebP expected).", path);
        using (bitmap) return ToGray(bitmap);
    }

    private static GrayImage ToGray(SKBitmap bitmap)
    {
        var pixels = new byte[bitmap.Width * bitmap.Height];
        var colors = bitmap.Pixels;
        for (int i = 0; i < colors.Length; i++)
        {
            var c = colors[i];
            double luminance = 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;
            double alpha = c.Alpha / 255.0;
            pixels[i] = (byte)Math.Round(luminance * alpha + 255 * (1 - alpha));
        }
        return new GrayImage(pixels, bitmap.Width, bitmap.Height);
    }
}
