using Mnist.Core.Imaging;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

public class DigitImageFileTests
{
    private static string TempFile(string extension) =>
        Path.Combine(Path.GetTempPath(), "mnist-image-" + Guid.NewGuid().ToString("N") + extension);

    /// <summary>A black bar on white paper, encoded in the given format.</summary>
    private static string WriteBar(SKEncodedImageFormat format, string extension)
    {
        using var bitmap = new SKBitmap(100, 80);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var pen = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(60, 10, 10, 50, pen);
        }
        var path = TempFile(extension);
        using var data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, ".png")]
    [InlineData(SKEncodedImageFormat.Jpeg, ".jpg")]
    public void A_picture_file_is_read_and_prepared_as_28x28_bright_ink(SKEncodedImageFormat format, string extension)
    {
        var path = WriteBar(format, extension);
        var gray = DigitImageFile.ReadGray(path);
        Assert.Equal((100, 80), (gray.Width, gray.Height));
        var pixels = DigitImageFile.Prepare(path);
        Assert.Equal(784, pixels.Length);
        Assert.Equal(255, pixels.Max());
        Assert.Equal(0, pixels[0]);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_ImageUnreadable_and_named()
    {
        var path = TempFile(".png");
        File.WriteAllText(path, "not a picture");
        var error = Assert.Throws<MnistException>(() => DigitImageFile.Prepare(path));
        Assert.Equal("ImageUnreadable", error.ErrorId);
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.Target);
    }

    [Fact]
    public void A_missing_file_is_ImageNotFound()
    {
        var error = Assert.Throws<MnistException>(() => DigitImageFile.Prepare(TempFile(".png")));
        Assert.Equal("ImageNotFound", error.ErrorId);
        Assert.Equal(MnistErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void A_blank_picture_is_ImageBlank()
    {
        using var bitmap = new SKBitmap(30, 30);
        bitmap.Erase(SKColors.White);
        var path = TempFile(".png");
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(path, data.ToArray());
        Assert.Equal("ImageBlank", Assert.Throws<MnistException>(() => DigitImageFile.Prepare(path)).ErrorId);
    }
}
