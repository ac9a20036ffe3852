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

    private static GrayImage InkOf(GrayImage page) => InkMap.FromBackground(page, PaperBackground.Estimate(page));

    [Fact]
    public void Dark_ink_on_light_paper_becomes_bright_ink_on_black()
    {
        var ink = InkOf(Page(40, 40, new PixelRect(14, 10, 4, 20)));
        Assert.Equal(255, ink[15, 15]);
        Assert.Equal(0, ink[0, 0]);
    }

    [Fact]
    public void Bright_ink_on_black_is_kept_as_it_is()
    {
        var ink = InkOf(Page(40, 40, new PixelRect(14, 10, 4, 20), paper: 0, pen: 255));
        Assert.Equal(255, ink[15, 15]);
        Assert.Equal(0, ink[0, 0]);
    }

    [Fact]
    public void Faint_ink_on_grey_paper_is_measured_against_the_paper_and_stretched_to_the_full_range()
    {
        var page = Page(40, 40, new PixelRect(14, 10, 4, 20), paper: 230, pen: 130);
        var ink = InkOf(page);
        Assert.InRange(ink[15, 15], 105, 117);          // (230 - 130) / 230 of the way to black
        Assert.Equal(0, ink[0, 0]);
        var digit = DigitPreprocessor.IsolateDigit(page)!;
        Assert.Equal(255, digit[15, 15]);
        Assert.Equal(0, digit[0, 0]);
    }

    [Fact]
    public void The_paper_under_a_lamps_gradient_and_dark_corners_is_estimated_within_a_few_levels()
    {
        var pixels = new byte[120 * 90];
        for (int y = 0; y < 90; y++)
            for (int x = 0; x < 120; x++)
            {
                double nx = x / 60.0 - 1, ny = y / 45.0 - 1;
                pixels[y * 120 + x] = (byte)Math.Round(240 * (1 - 0.4 * (nx + 1) / 2) * (1 - 0.3 * (nx * nx + ny * ny) / 2));
            }
        var paper = new GrayImage((byte[])pixels.Clone(), 120, 90);
        for (int y = 30; y < 70; y++) for (int x = 50; x < 56; x++) pixels[y * 120 + x] = 20;   // a stroke on it
        var estimate = PaperBackground.Estimate(new GrayImage(pixels, 120, 90));
        Assert.True(paper.Pixels.Zip(estimate.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 6);
    }

    [Fact]
    public void Ink_bounds_enclose_exactly_the_ink()
    {
        var ink = InkOf(Page(50, 40, new PixelRect(7, 12, 5, 9)));
        Assert.Equal(new PixelRect(7, 12, 5, 9), DigitPreprocessor.InkBounds(ink, 32));
    }

    [Fact]
    public void A_blank_or_merely_noisy_page_has_no_ink_and_prepares_to_nothing()
    {
        Assert.Null(DigitPreprocessor.Prepare(Page(20, 20, new PixelRect(0, 0, 0, 0))));
        var random = new Random(3);
        var noisy = new GrayImage(Enumerable.Range(0, 60 * 60).Select(_ => (byte)random.Next(200, 216)).ToArray(), 60, 60);
        Assert.Null(DigitPreprocessor.Prepare(noisy));
    }

    [Fact]
    public void A_picture_mostly_covered_by_ink_still_has_a_digit()
    {
        // A chart of a blank sample: a black square filling two thirds of a white picture.
        var prepared = DigitPreprocessor.Prepare(Page(90, 90, new PixelRect(15, 15, 60, 60)));
        Assert.NotNull(prepared);
        Assert.Equal(255, prepared!.Pixels.Max());
    }

    [Fact]
    public void Specks_and_a_far_blot_are_dropped_and_a_piece_close_to_the_digit_is_kept()
    {
        var ink = new byte[100 * 100];
        void Fill(int left, int top, int width, int height) { for (int y = top; y < top + height; y++) for (int x = left; x < left + width; x++) ink[y * 100 + x] = 255; }
        Fill(40, 30, 5, 40);    // the stroke
        Fill(46, 26, 12, 3);    // a bar not joined to it, as in a 5
        Fill(5, 5, 2, 2);       // specks
        Fill(90, 80, 1, 1);
        Fill(85, 10, 8, 8);     // a blot far away
        var image = new GrayImage(ink, 100, 100);
        var (labels, components) = InkComponents.Find(image, 100);
        Assert.Equal(5, components.Count);
        var chosen = InkComponents.SelectDigit(components);
        Assert.Equal(2, chosen.Count);
        var digit = DigitPreprocessor.Stretch(image, InkComponents.Grow(image, labels, chosen, 50), 255);
        Assert.Equal(new PixelRect(40, 26, 18, 44), DigitPreprocessor.InkBounds(digit));
    }

    [Fact]
    public void A_patch_far_larger_than_the_fills_first_stack_is_labelled_and_grown_whole()
    {
        // 300x300 of ink less a one-pixel frame: 88,804 pixels, ten times the 8,192 points the fill's stack starts with.
        var ink = new byte[300 * 300];
        for (int y = 1; y < 299; y++) for (int x = 1; x < 299; x++) ink[y * 300 + x] = (byte)(200 + (x + y) % 50);
        var image = new GrayImage(ink, 300, 300);
        var (labels, components) = InkComponents.Find(image, 100);
        var patch = Assert.Single(components);
        Assert.Equal((298 * 298, new PixelRect(1, 1, 298, 298)), (patch.Area, patch.Bounds));
        Assert.Equal(ink.Sum(v => (long)v), patch.Mass);
        Assert.Equal(298 * 298, labels.Count(l => l == patch.Label));
        var mask = InkComponents.Grow(image, labels, new HashSet<int> { patch.Label }, 50);
        Assert.All(mask, Assert.True);   // the patch and its one-pixel rim: the whole picture
    }

    [Fact]
    public void Thick_strokes_are_thinned_and_thin_strokes_thickened_towards_MNISTs_width()
    {
        var thick = Page(40, 100, new PixelRect(5, 5, 30, 90), paper: 0, pen: 255);
        Assert.InRange(StrokeWidth.Estimate(thick), 20, 26);      // 2 * area / edge pixels of a 30x90 bar: 22.9
        var thinned = StrokeWidth.Normalise(thick, 10);            // towards 1.4 * 10: 4 pixels off every side
        Assert.Equal((22, 82), (thinned.Width, thinned.Height));
        var thin = Page(10, 100, new PixelRect(4, 5, 1, 90), paper: 0, pen: 255);
        var thickened = StrokeWidth.Normalise(thin, 8);
        Assert.InRange(StrokeWidth.Estimate(thickened), 5, 11);
        var fine = Page(20, 100, new PixelRect(5, 5, 9, 90), paper: 0, pen: 255);
        Assert.Same(fine, StrokeWidth.Normalise(fine, 8));
    }

    [Fact]
    public void MNISTs_own_stroke_width_is_the_constant_the_preparation_aims_for()
    {
        var split = TestData.Mnist.Test;
        var widths = Enumerable.Range(0, 1000).Select(i => StrokeWidth.Estimate(new GrayImage(split.ImagePixels(i).ToArray(), 28, 28))).Order().ToArray();
        Assert.InRange(widths[500], StrokeWidth.Mnist - 0.15, StrokeWidth.Mnist + 0.15);
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
    public void An_MNIST_digit_prepared_again_comes_back_as_it_was()
    {
        // Not bit for bit: the crop ignores the faintest rim (below 32), so a digit whose rim reaches the edge of
        // its 20x20 box is scaled up a little.
        var split = TestData.Mnist.Test;
        var overlaps = new List<double>();
        for (int i = 0; i < 100; i++)
        {
            var digit = new GrayImage(split.ImagePixels(i).ToArray(), 28, 28);
            overlaps.Add(Overlap(DigitPreprocessor.Prepare(digit)!, digit));
        }
        Assert.True(overlaps.Count(o => o >= 0.8) >= 90, $"overlaps: {string.Join(' ', overlaps.Select(o => o.ToString("F2")))}");
    }

    [Fact]
    public void A_digit_drawn_large_and_off_centre_comes_out_20_pixels_tall_and_centred()
    {
        var prepared = DigitPreprocessor.Prepare(Page(200, 200, new PixelRect(20, 110, 9, 60)))!;
        Assert.Equal(784, prepared.Pixels.Length);
        var bounds = DigitPreprocessor.InkBounds(prepared)!.Value;
        Assert.Equal(20, bounds.Height);
        Assert.Equal(3, bounds.Width);
        var (cx, cy) = DigitPreprocessor.CenterOfMass(prepared);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
    }

    /// <summary>
    /// An MNIST digit drawn 6 times as large in dark ink on paper lit from one side (the far side at 55%), with dark
    /// corners, sensor noise of 12 levels and dust specks.
    /// </summary>
    private static GrayImage OnNoisyUnevenPaper(byte[] digit, Random random)
    {
        const int scale = 6, side = 28 * scale + 40;
        var pixels = new byte[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                double u = (x - 20 + 0.5) / scale - 0.5, v = (y - 20 + 0.5) / scale - 0.5;
                int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
                double fu = u - u0, fv = v - v0;
                double At(int px, int py) => px < 0 || py < 0 || px >= 28 || py >= 28 ? 0 : digit[py * 28 + px] / 255.0;
                double ink = (At(u0, v0) * (1 - fu) + At(u0 + 1, v0) * fu) * (1 - fv) + (At(u0, v0 + 1) * (1 - fu) + At(u0 + 1, v0 + 1) * fu) * fv;
                double nx = 2.0 * x / side - 1, ny = 2.0 * y / side - 1;
                double light = (1 - 0.45 * (nx + 1) / 2) * (1 - 0.35 * (nx * nx + ny * ny) / 2);
                double noise = 12 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                pixels[y * side + x] = (byte)Math.Clamp(Math.Round(235 * light * (1 - 0.85 * ink) + noise), 0, 255);
            }
        for (int speck = 0; speck < 30; speck++) pixels[random.Next(side * side)] = 30;
        return new GrayImage(pixels, side, side);
    }

    private static double Overlap(GrayImage a, GrayImage b)
    {
        int both = 0, either = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            bool inA = a.Pixels[i] >= 128, inB = b.Pixels[i] >= 128;
            if (inA && inB) both++;
            if (inA || inB) either++;
        }
        return either == 0 ? 0 : (double)both / either;
    }

    [Fact]
    public void A_real_digit_on_a_noisy_unevenly_lit_page_comes_out_as_the_digit()
    {
        var split = TestData.Mnist.Test;
        var random = new Random(11);
        var overlaps = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            var original = new GrayImage(split.ImagePixels(i).ToArray(), 28, 28);
            var prepared = DigitPreprocessor.Prepare(OnNoisyUnevenPaper(original.Pixels, random));
            Assert.NotNull(prepared);
            overlaps.Add(Overlap(prepared!, original));
        }
        // Drawn large and prepared again, a digit's strokes land within a pixel of where they were; the overlap of
        // two such versions of one digit is about 0.6-0.8, of two different digits about 0.1-0.3.
        double mean = overlaps.Average();
        Assert.True(mean >= 0.6, $"mean overlap {mean:F2}");
        Assert.True(overlaps.Count(o => o < 0.4) <= 2, $"overlaps: {string.Join(' ', overlaps.Select(o => o.ToString("F2")))}");
    }
}
