using System.Text.RegularExpressions;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Rendering;
using Xunit;

namespace Mnist.Core.Tests;

public class TerminalRendererTests
{
    private static MnistSample First => MnistSample.From(TestData.Mnist.Train, 0);

    [Fact]
    public void Ascii_draws_the_5s_strokes_exactly_where_the_pixels_have_ink()
    {
        var lines = TerminalRenderer.Render(new[] { ImageTile.From(First) }, TerminalStyle.Ascii, 1);
        Assert.Equal(29, lines.Count);
        for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
            Assert.Equal(First[r, c] > AsciiRamp.BlankUpTo, lines[r][c] != ' ');
        Assert.Equal("5", lines[28].Trim());
    }

    [Fact]
    public void Half_blocks_carry_each_pixel_pair_as_foreground_and_background_grey()
    {
        var lines = TerminalRenderer.Render(new[] { ImageTile.From(First) }, TerminalStyle.HalfBlock, 1);
        Assert.Equal(15, lines.Count);
        for (int line = 0; line < 14; line++)
        {
            var cells = HalfBlockCells(lines[line]);
            Assert.Equal(28, cells.Count);
            for (int c = 0; c < 28; c++)
            {
                Assert.Equal(First[2 * line, c], cells[c].Top);
                Assert.Equal(First[2 * line + 1, c], cells[c].Bottom);
            }
        }
    }

    [Fact]
    public void Nine_images_in_three_columns_make_three_rows_with_a_title_under_each()
    {
        var tiles = SampleSelector.ByIndex(TestData.Mnist.Train, Enumerable.Range(0, 9)).Select(ImageTile.From).ToList();
        var lines = TerminalRenderer.Render(tiles, TerminalStyle.Ascii, 3);
        Assert.Equal(3 * 29 + 2, lines.Count);
        var titles = new[] { lines[28], lines[58], lines[88] }.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "5", "0", "4", "1", "9", "2", "1", "3", "1" }, titles.SelectMany(t => t));
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.Equal(3 * 28 + 2 * TerminalRenderer.Gap, l.Length));
    }

    [Fact]
    public void A_prediction_is_titled_with_what_was_predicted_and_the_true_class()
    {
        var prediction = new MnistPrediction { Predicted = 3, Label = 5, Pixels = First.Pixels };
        var lines = TerminalRenderer.Render(new[] { ImageTile.From(prediction) }, TerminalStyle.Ascii, 1);
        Assert.Equal("Predicted 3, Class 5", lines[^1].Trim());
    }

    [Fact]
    public void A_title_wider_than_its_image_goes_on_two_lines_under_it_and_loses_nothing()
    {
        var boot = new MnistPrediction { Predicted = 9, PredictedName = "Ankle boot", Label = 9, TrueClassName = "Ankle boot", Pixels = First.Pixels };
        var tiles = new[] { ImageTile.From(boot), ImageTile.From(First) };
        var lines = TerminalRenderer.Render(tiles, TerminalStyle.Ascii, 2);
        Assert.Equal(28 + 2, lines.Count);
        Assert.All(lines, line => Assert.Equal(2 * 28 + TerminalRenderer.Gap, line.Length));
        Assert.Equal("Predicted Ankle boot,", lines[28][..28].Trim());
        Assert.Equal("Class Ankle boot", lines[29][..28].Trim());
        Assert.Equal("5", lines[28][(28 + TerminalRenderer.Gap)..].Trim());
    }

    [Fact]
    public void Numbers_print_the_pixel_values_like_the_notebook()
    {
        var lines = TerminalRenderer.Render(new[] { ImageTile.From(First) }, TerminalStyle.Numbers, 1);
        var row = lines[14].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(byte.Parse).ToArray();
        Assert.Equal(Enumerable.Range(0, 28).Select(c => First[14, c]), row);
    }

    [Theory]
    [InlineData(120, 3)]
    [InlineData(60, 2)]
    [InlineData(10, 1)]
    public void Columns_that_fit_a_window(int width, int expected) =>
        Assert.Equal(expected, Math.Min(3, TerminalRenderer.ColumnsThatFit(width, 28, TerminalStyle.Ascii)));

    private static List<(byte Top, byte Bottom)> HalfBlockCells(string line) =>
        Regex.Matches(line, @"\e\[38;2;(\d+);\d+;\d+m\e\[48;2;(\d+);\d+;\d+m\u2580")
            .Select(m => (byte.Parse(m.Groups[1].Value), byte.Parse(m.Groups[2].Value)))
            .ToList();
}
