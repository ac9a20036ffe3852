using Mnist.Core.Imaging;
using Xunit;

namespace Mnist.Core.Tests;

public class DigitPreprocessorTests
{
    /// <summary>A white page with a black filled rectangle (the "ink").</summary>
    private static GrayImage Page(int width, int height, PixelRect ink, byte paper = 255, byte pen = 0)
    {
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = x >= ink.Left && x < ink.Left + ink.Width && y >= ink.Top && y < ink.Top + ink.Height ? pen : paper;
        return new GrayImage(pixels, width, height);
    }

    [Fact]
    public void Dark_ink_on_light_paper_is_inverted_to_bright_ink_on_black()
    {
        var ink = DigitPreprocessor.ToInk(Page(10, 10, new PixelRect(4, 4, 2, 2)));
        Assert.Equal(255, ink[4, 4]);
        Assert.Equal(0, ink[0, 0]);
    }

    [Fact]
    public void Bright_ink_on_black_is_kept_as_it_is()
    {
        var ink = DigitPreprocessor.ToInk(Page(10, 10, new PixelRect(4, 4, 2, 2), paper: 0, pen: 255));
        Assert.Equal(255, ink[4, 4]);
        Assert.Equal(0, ink[0, 0]);
    }

    [Fact]
    public void A_grey_background_and_faint_ink_are_stretched_to_the_full_range()
    {
        var ink = DigitPreprocessor.ToInk(Page(10, 10, new PixelRect(4, 4, 2, 2), paper: 230, pen: 130));
        Assert.Equal(255, ink[5, 5]);
        Assert.Equal(0, ink[9, 9]);
    }

    [Fact]
    public void Ink_bounds_enclose_exactly_the_ink()
    {
        var ink = DigitPreprocessor.ToInk(Page(50, 40, new PixelRect(7, 12, 5, 9)));
        Assert.Equal(new PixelRect(7, 12, 5, 9), DigitPreprocessor.InkBounds(ink));
    }

    [Fact]
    public void A_blank_page_has_no_ink_bounds_and_prepares_to_nothing()
    {
        var blank = Page(20, 20, new PixelRect(0, 0, 0, 0));
        Assert.Null(DigitPreprocessor.InkBounds(DigitPreprocessor.ToInk(blank)));
        Assert.Null(DigitPreprocessor.Prepare(blank));
    }

    [Fact]
    public void Crop_keeps_the_pixels_inside_the_rectangle()
    {
        var image = new GrayImage(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), 4, 4);
        var cropped = DigitPreprocessor.Crop(image, new PixelRect(1, 2, 2, 2));
        Assert.Equal(new byte[] { 9, 10, 13, 14 }, cropped.Pixels);
        Assert.Equal((2, 2), (cropped.Width, cropped.Height));
    }

    [Fact]
    public void A_tall_image_is_scaled_to_20_high_keeping_its_aspect_ratio()
    {
        var scaled = DigitPreprocessor.ScaleToFit(new GrayImage(Enumerable.Repeat((byte)200, 50 * 100).ToArray(), 50, 100));
        Assert.Equal((10, 20), (scaled.Width, scaled.Height));
        Assert.All(scaled.Pixels, p => Assert.Equal(200, p));
    }

    [Fact]
    public void A_small_wide_image_is_scaled_up_to_20_wide()
    {
        var scaled = DigitPreprocessor.ScaleToFit(new GrayImage(Enumerable.Repeat((byte)255, 5 * 2).ToArray(), 5, 2));
        Assert.Equal((20, 8), (scaled.Width, scaled.Height));
    }

    [Fact]
    public void Scaling_down_averages_the_covered_area()
    {
        // A 2x2 checkerboard of 0 and 255 halves to 1x1 of the mean value.
        var scaled = DigitPreprocessor.ScaleToFit(new GrayImage(new byte[] { 0, 255, 255, 0 }, 2, 2), box: 1);
        Assert.Equal(128, scaled.Pixels.Single());
    }

    [Fact]
    public void Placement_puts_the_centre_of_mass_at_pixel_14_14_of_the_28x28_field_as_in_MNIST()
    {
        // An L shape: its centre of mass is off its bounding box's centre.
        var pixels = new byte[10 * 20];
        for (int y = 0; y < 20; y++) pixels[y * 10] = 255;
        for (int x = 0; x < 10; x++) pixels[19 * 10 + x] = 255;
        var placed = DigitPreprocessor.PlaceByCenterOfMass(new GrayImage(pixels, 10, 20));
        Assert.Equal((28, 28), (placed.Width, placed.Height));
        var (cx, cy) = DigitPreprocessor.CenterOfMass(placed);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
        Assert.Equal(pixels.Sum(p => p), placed.Pixels.Sum(p => p));
    }

    [Fact]
    public void An_MNIST_digit_prepared_again_comes_back_unchanged()
    {
        var split = TestData.Mnist.Test;
        int unchanged = 0;
        for (int i = 0; i < 100; i++)
        {
            var digit = new GrayImage(split.ImagePixels(i).ToArray(), 28, 28);
            var prepared = DigitPreprocessor.Prepare(digit, threshold: 0)!;
            if (prepared.Pixels.Zip(digit.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 2) unchanged++;
        }
        Assert.True(unchanged >= 80, $"{unchanged} of 100 digits came back unchanged");
    }

    [Fact]
    public void A_digit_drawn_large_and_off_centre_comes_out_20_pixels_tall_and_centred()
    {
        var prepared = DigitPreprocessor.Prepare(Page(200, 200, new PixelRect(20, 110, 30, 60)))!;
        Assert.Equal(784, prepared.Pixels.Length);
        var bounds = DigitPreprocessor.InkBounds(prepared)!.Value;
        Assert.Equal(20, bounds.Height);
        Assert.Equal(10, bounds.Width);
        var (cx, cy) = DigitPreprocessor.CenterOfMass(prepared);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
    }
}
