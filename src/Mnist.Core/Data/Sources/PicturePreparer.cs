using Mnist.Core.Imaging;
using SkiaSharp;

namespace Mnist.Core.Data.Sources;

/// <summary>Turns a picture file's bytes into one training image of the dataset's shape.</summary>
public static class PicturePreparer
{
    /// <summary>
    /// Bumped whenever a preparation's output changes for the same input, so that the prepared-image cache, keyed by
    /// it, never serves an image another version prepared.
    /// </summary>
    public const int Version = 1;

    /// <summary>
    /// The prepared pixels, and whether they came from a real preparation worth caching (a picture taken as it is
    /// costs less to decode again than to look up).
    /// </summary>
    public static (byte[] Pixels, bool Cacheable) Prepare(byte[] bytes, string path, PicturePreparation preparation, int rows, int columns)
    {
        if (preparation is PicturePreparation.Auto or PicturePreparation.None && TryTakeAsIs(bytes, path, rows, columns) is { } asIs)
            return (asIs, false);
        var gray = Decode(bytes, path);
        return preparation switch
        {
            PicturePreparation.None => (AsGivenShape(gray, path, rows, columns), false),
            PicturePreparation.Resize => (Resize(gray, rows, columns).Pixels, true),
            _ => (Digit(gray, path, rows, columns), true),
        };
    }

    /// <summary>The pixels of an 8-bit grayscale picture of exactly the image shape, untouched; null for any other picture.</summary>
    public static byte[]? TryTakeAsIs(byte[] bytes, string path, int rows, int columns)
    {
        using var data = SKData.CreateCopy(PngChunks.WithoutLargeAncillaryChunks(bytes));
        using var codec = SKCodec.Create(data) ?? throw NotAPicture(path);
        var info = codec.Info;
        if (info.ColorType != SKColorType.Gray8 || info.Width != columns || info.Height != rows) return null;
        var pixels = new byte[rows * columns];
        var target = new SKImageInfo(columns, rows, SKColorType.Gray8, SKAlphaType.Opaque);
        unsafe
        {
            fixed (byte* start = pixels)
            {
                var result = codec.GetPixels(target, (IntPtr)start);
                if (result != SKCodecResult.Success)
                    throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                        $"The picture '{path}' cannot be decoded whole ({result}): it is damaged or cut short.", path);
            }
        }
        return pixels;
    }

    private static GrayImage Decode(byte[] bytes, string path)
    {
        using var stream = new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);
        return DigitImageFile.DecodeGray(stream, path);
    }

    private static byte[] Digit(GrayImage gray, string path, int rows, int columns)
    {
        if (rows != DigitPreprocessor.FieldSize || columns != DigitPreprocessor.FieldSize)
            throw new MnistException("PicturePreparationUnsupported", MnistErrorKind.InvalidArgument,
                $"The digit preparation makes {DigitPreprocessor.FieldSize}x{DigitPreprocessor.FieldSize} images, not {rows}x{columns} ('{path}'); use the Resize preparation.", path);
        return (DigitPreprocessor.Prepare(gray)
            ?? throw new MnistException("ImageBlank", MnistErrorKind.InvalidData,
                $"The image '{path}' holds no digit: it is a single flat colour.", path)).Pixels;
    }

    private static byte[] AsGivenShape(GrayImage gray, string path, int rows, int columns)
    {
        if (gray.Width != columns || gray.Height != rows)
            throw new MnistException("ImageSizeMismatch", MnistErrorKind.InvalidData,
                $"The picture '{path}' is {gray.Width}x{gray.Height}; without preparation every picture must be {columns}x{rows}.", path);
        return gray.Pixels;
    }

    /// <summary>
    /// The whole picture fitted into the shape, keeping its aspect ratio, centred on black. A picture on light paper
    /// (its border brighter than mid-grey) is inverted first, so that, as in MNIST and Fashion-MNIST, the subject is
    /// bright on a dark field.
    /// </summary>
    public static GrayImage Resize(GrayImage gray, int rows, int columns)
    {
        var source = BorderMean(gray) > 127.5 ? Invert(gray) : gray;
        var scaled = DigitPreprocessor.ScaleToFit(source, Math.Min(rows, columns));
        var field = new byte[rows * columns];
        int left = (columns - scaled.Width) / 2, top = (rows - scaled.Height) / 2;
        for (int y = 0; y < scaled.Height; y++)
            Array.Copy(scaled.Pixels, y * scaled.Width, field, (top + y) * columns + left, scaled.Width);
        return new GrayImage(field, columns, rows);
    }

    private static double BorderMean(GrayImage image)
    {
        double sum = 0;
        int count = 0;
        for (int x = 0; x < image.Width; x++) { sum += image[x, 0] + image[x, image.Height - 1]; count += 2; }
        for (int y = 1; y < image.Height - 1; y++) { sum += image[0, y] + image[image.Width - 1, y]; count += 2; }
        return sum / count;
    }

    private static GrayImage Invert(GrayImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(255 - image.Pixels[i]);
        return new GrayImage(pixels, image.Width, image.Height);
    }

    private static MnistException NotAPicture(string path) =>
        new("ImageUnreadable", MnistErrorKind.InvalidData,
            $"The file '{path}' is not an image that can be decoded (PNG, JPEG, BMP, GIF or WebP expected).", path);
}
