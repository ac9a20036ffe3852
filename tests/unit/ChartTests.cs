using System.Xml.Linq;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Rendering;
using Mnist.Core.Rendering.Charts;
using Mnist.Core.Training;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

public sealed class ChartTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _folder = Directory.CreateTempSubdirectory("mnist-charts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IReadOnlyList<ImageTile> Tiles(int count) =>
        SampleSelector.ByIndex(TestData.Mnist.Train, Enumerable.Range(0, count)).Select(ImageTile.From).ToList();

    private static readonly EpochRecord[] History =
    {
        new() { Epoch = 1, Loss = 0.30, Accuracy = 0.91, ValLoss = 0.15, ValAccuracy = 0.956 },
        new() { Epoch = 2, Loss = 0.14, Accuracy = 0.96, ValLoss = 0.10, ValAccuracy = 0.969 },
        new() { Epoch = 3, Loss = 0.10, Accuracy = 0.97, ValLoss = 0.08, ValAccuracy = 0.976 },
    };

    private static MnistEvaluation Evaluation()
    {
        var matrix = Enumerable.Range(0, 10).Select(r => Enumerable.Range(0, 10).Select(c => r == c ? 90 + r : (r + c) % 3).ToArray()).ToArray();
        return new MnistEvaluation(0.1, matrix, MnistDataset.DigitClassNames, "Test", "mnist");
    }

    [Fact]
    public void A_png_grid_of_nine_samples_has_nine_black_image_cells_in_three_rows()
    {
        var path = Path.Combine(_folder, "grid.png");
        ChartWriter.ImageGrid(path, Tiles(9), 3, 450, overwrite: false);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(450, bitmap.Width);
        Assert.Equal(ImageGridChart.Size(Tiles(9), 3, 450).Height, bitmap.Height);
        Assert.Equal(new[] { 3, 3, 3 }, ChartImages.BlackSquaresPerBand(bitmap));
    }

    [Fact]
    public void A_grid_of_seven_in_four_columns_leaves_the_last_cell_empty()
    {
        var path = Path.Combine(_folder, "grid.png");
        ChartWriter.ImageGrid(path, Tiles(7), 4, 600, overwrite: false);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(new[] { 4, 3 }, ChartImages.BlackSquaresPerBand(bitmap));
    }

    [Fact]
    public void An_svg_grid_has_one_title_per_cell_and_the_asked_size()
    {
        var path = Path.Combine(_folder, "grid.svg");
        ChartWriter.ImageGrid(path, Tiles(9), 3, 450, overwrite: false);
        var svg = XDocument.Load(path).Root!;
        Assert.Equal("450", svg.Attribute("width")!.Value);
        var titles = svg.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToArray();
        Assert.Equal(new[] { "5", "0", "4", "1", "9", "2", "1", "3", "1" }, titles);
    }

    [Fact]
    public void Prediction_titles_say_predicted_and_class()
    {
        var path = Path.Combine(_folder, "predictions.svg");
        var tiles = new[] { 7, 2 }.Select(p => ImageTile.From(new MnistPrediction { Predicted = p, Label = 7, Pixels = Tiles(1)[0].Pixels })).ToList();
        ChartWriter.ImageGrid(path, tiles, 3, 450, overwrite: false);
        var titles = XDocument.Load(path).Root!.Descendants(Svg + "text").Select(t => t.Value.Trim());
        Assert.Equal(new[] { "Predicted 7, Class 7", "Predicted 2, Class 7" }, titles);
    }

    private static readonly string[] Fashion =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    private static IReadOnlyList<ImageTile> FashionPredictions() =>
        Enumerable.Range(0, 10).Select(label => ImageTile.From(new MnistPrediction
        {
            Predicted = 9 - label, PredictedName = Fashion[9 - label], Label = label, TrueClassName = Fashion[label],
            Pixels = Tiles(1)[0].Pixels,
        })).Append(ImageTile.From(new MnistPrediction
        {
            Predicted = 9, PredictedName = "Ankle boot", Label = 9, TrueClassName = "Ankle boot", Pixels = Tiles(1)[0].Pixels,
        })).ToList();

    [Theory]
    [InlineData(3, 450)]
    [InlineData(4, 600)]
    [InlineData(5, 400)]
    public void Fashion_prediction_titles_are_no_wider_than_their_tiles_and_keep_every_word(int columns, int width)
    {
        var tiles = FashionPredictions();
        var titles = ImageGridChart.Titles(tiles, columns, width);
        Assert.All(titles, title => Assert.True(title.Width <= title.TileWidth, $"'{string.Join(" / ", title.Lines)}' is {title.Width} wide in a {title.TileWidth} tile"));
        Assert.Equal(tiles.Select(tile => tile.Title), titles.Select(title => string.Join(" ", title.Lines)));
        Assert.Contains(titles, title => title.Lines.Count > 1);   // "Predicted Ankle boot, Class Ankle boot" needs two

        var path = Path.Combine(_folder, "fashion.svg");
        ChartWriter.ImageGrid(path, tiles, columns, width, overwrite: false);
        var drawn = XDocument.Load(path).Root!.Descendants(Svg + "text").Select(t => t.Value.Trim());
        Assert.Equal(titles.SelectMany(title => title.Lines), drawn);
    }

    [Fact]
    public void Svg_pixel_squares_overlap_their_inked_neighbours_so_no_seam_shows_between_them()
    {
        var inked = new ImageTile(Enumerable.Repeat((byte)200, 28 * 28).ToArray(), 28, 28, "all ink");
        var path = Path.Combine(_folder, "seams.svg");
        ChartWriter.ImageGrid(path, new[] { inked }, 1, 150, overwrite: false);
        var squares = XDocument.Load(path).Root!.Descendants(Svg + "rect")
            .Where(rect => rect.Attribute("fill")?.Value is "rgb(200,200,200)" or "#C8C8C8" or "#c8c8c8")
            .Select(rect => new[] { "x", "y", "width", "height" }.Select(a => double.Parse(rect.Attribute(a)?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        Assert.Equal(28 * 28, squares.Length);
        double left = squares.Min(q => q[0]), top = squares.Min(q => q[1]);
        double right = squares.Max(q => q[0] + q[2]), bottom = squares.Max(q => q[1] + q[3]);
        double cell = (right - left) / 28;
        // Every point on a line between two pixels lies inside some square, not on two squares' shared edge.
        for (int seam = 1; seam < 28; seam++)
        for (int along = 0; along < 28; along++)
        {
            double x = left + seam * cell, y = top + (along + 0.5) * cell;
            Assert.Contains(squares, q => q[0] < x - 0.1 && x + 0.1 < q[0] + q[2] && q[1] < y && y < q[1] + q[3]);
            Assert.Contains(squares, q => q[1] < x - left + top - 0.1 && x - left + top + 0.1 < q[1] + q[3] && q[0] < y - top + left && y - top + left < q[0] + q[2]);
        }
        Assert.True(right - left < 150, "the squares stay inside their tile");
        Assert.True(bottom - top <= right - left + 0.01);
    }

    [Fact]
    public void The_history_png_has_the_asked_size_and_two_panels_of_lines()
    {
        var path = Path.Combine(_folder, "history.png");
        ChartWriter.History(path, History, 900, 400, overwrite: false);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((900, 400), (bitmap.Width, bitmap.Height));
        Assert.True(ChartImages.CountColoured(bitmap, 0, 450) > 100, "the accuracy panel has coloured lines");
        Assert.True(ChartImages.CountColoured(bitmap, 450, 900) > 100, "the loss panel has coloured lines");
    }

    [Fact]
    public void The_history_svg_names_both_panels_and_both_curves_once()
    {
        var path = Path.Combine(_folder, "history.svg");
        ChartWriter.History(path, History, 900, 400, overwrite: false);
        var texts = XDocument.Load(path).Root!.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Single(texts, "Model accuracy");
        Assert.Single(texts, "Model loss");
        Assert.Equal(2, texts.Count(t => t == "validation"));
    }

    [Fact]
    public void The_confusion_matrix_svg_writes_every_count_in_its_cell()
    {
        var path = Path.Combine(_folder, "confusion.svg");
        var evaluation = Evaluation();
        ChartWriter.ConfusionMatrix(path, evaluation, 700, 650, overwrite: false);
        var svg = XDocument.Load(path).Root!;
        Assert.Equal(("700", "650"), (svg.Attribute("width")!.Value, svg.Attribute("height")!.Value));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        for (int r = 0; r < 10; r++) Assert.Contains((90 + r).ToString(), texts);
        Assert.Contains(texts, t => t.StartsWith("Confusion matrix"));
    }

    [Fact]
    public void The_confusion_matrix_png_shades_the_ten_diagonal_cells_dark()
    {
        var path = Path.Combine(_folder, "confusion.png");
        ChartWriter.ConfusionMatrix(path, Evaluation(), 700, 650, overwrite: false);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((700, 650), (bitmap.Width, bitmap.Height));
        int cellArea = 700 / 12 * (650 / 12);
        int dark = ChartImages.CountDarkBlue(bitmap);
        Assert.InRange(dark, 10 * cellArea / 2, 10 * cellArea * 2); // the ten diagonal cells, give or take the layout
    }

    [Fact]
    public void An_existing_file_is_kept_unless_overwrite_is_asked()
    {
        var path = Path.Combine(_folder, "grid.png");
        File.WriteAllText(path, "keep me");
        var error = Assert.Throws<MnistException>(() => ChartWriter.ImageGrid(path, Tiles(1), 3, 300, overwrite: false));
        Assert.Equal("FileExists", error.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
        ChartWriter.ImageGrid(path, Tiles(1), 3, 300, overwrite: true);
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
    }

    [Fact]
    public void Another_extension_is_refused()
    {
        var error = Assert.Throws<MnistException>(() => ChartWriter.ImageGrid(Path.Combine(_folder, "grid.jpg"), Tiles(1), 3, 300, overwrite: false));
        Assert.Equal("UnsupportedChartFormat", error.ErrorId);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_plan_follows_the_input_and_refuses_what_it_cannot_draw()
    {
        Assert.Equal(ChartKind.ImageGrid, ChartPlan.For(Tiles(2).Cast<object>().ToList(), null, null, null, null).Kind);
        Assert.Equal(ChartKind.ConfusionMatrix, ChartPlan.For(new object[] { Evaluation() }, null, null, null, null).Kind);
        Assert.Equal("NoChartInput", Assert.Throws<MnistException>(() => ChartPlan.For(Array.Empty<object>(), null, null, null, null)).ErrorId);
        Assert.Equal("NotAnImage", Assert.Throws<MnistException>(() => ChartPlan.For(new object[] { "text" }, null, null, null, null)).ErrorId);
        Assert.Equal("TooManyChartInputs", Assert.Throws<MnistException>(
            () => ChartPlan.For(new object[] { Evaluation(), Evaluation() }, null, null, null, null)).ErrorId);
    }
}
