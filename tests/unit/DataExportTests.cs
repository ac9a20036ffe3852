using System.Buffers.Binary;
using Mnist.Core.Data;
using Mnist.Core.Data.Export;
using Mnist.Core.Data.Files;
using Mnist.Core.Evaluation;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Export-MnistData's writers: every format read back, and nothing half-written.</summary>
public sealed class DataExportTests : IDisposable
{
    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mnist-export-" + Guid.NewGuid().ToString("N"));

    public DataExportTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MnistDataset Slice => TestData.Mnist.Take(300, 100);

    private MnistDataExport Export(ExportImages images, string name, ExportFormat format, bool compress = false, bool overwrite = false) =>
        DataExporter.Write(DataExporter.Plan(images, Path.Combine(_folder, name), format, compress), overwrite);

    private static void AssertSameImages(MnistSplit expected, MnistSplit actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Pixels, actual.Pixels);
        Assert.Equal(expected.Labels, actual.Labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_files_of_a_dataset_load_back_identically(bool compress)
    {
        var data = Slice;
        var result = Export(ExportImages.FromDataset(data), "idx", ExportFormat.Idx, compress);
        Assert.Equal((300, 100, 4), (result.Train, result.Test, result.Files));
        var suffix = compress ? ".gz" : "";
        Assert.Equal(new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte" }.Select(n => n + suffix),
            Directory.GetFiles(result.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var loaded = MnistLoader.LoadFolder(result.Path);
        AssertSameImages(data.Train, loaded.Train);
        AssertSameImages(data.Test, loaded.Test);
    }

    [Fact]
    public void Idx_headers_are_those_of_the_original_files()
    {
        var result = Export(ExportImages.FromSplit(Slice.Test), "t10k", ExportFormat.Idx);
        var images = File.ReadAllBytes(Path.Combine(result.Path, "t10k-images-idx3-ubyte"));
        Assert.Equal(new[] { 0x803, 100, 28, 28 }, Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(4 * i))));
        Assert.Equal(16 + 100 * 784, images.Length);
        var original = File.ReadAllBytes(Path.Combine(MnistFiles.DefaultCacheFolder, "t10k-images-idx3-ubyte"));
        Assert.Equal(original.AsSpan(16, 100 * 784).ToArray(), images.AsSpan(16).ToArray());
        Assert.False(File.Exists(Path.Combine(result.Path, "train-images-idx3-ubyte")));
    }

    [Fact]
    public void An_npz_loads_back_identically_and_has_numpy_headers()
    {
        var data = Slice;
        var result = Export(ExportImages.FromDataset(data), "mnist.npz", ExportFormat.Npz);
        var loaded = MnistLoader.LoadNpz(result.Path);
        AssertSameImages(data.Train, loaded.Train);
        AssertSameImages(data.Test, loaded.Test);
        using var zip = System.IO.Compression.ZipFile.OpenRead(result.Path);
        Assert.Equal(new[] { "x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy" }, zip.Entries.Select(e => e.FullName));
        using var y = zip.GetEntry("y_test.npy")!.Open();
        var header = new byte[128];
        y.ReadExactly(header);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        Assert.Equal(0, (10 + length) % 64);
        Assert.StartsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (100,), }", System.Text.Encoding.ASCII.GetString(header, 10, length));
    }

    [Fact]
    public void Csv_of_a_dataset_is_kaggles_layout_one_row_per_image()
    {
        var data = Slice;
        var result = Export(ExportImages.FromDataset(data), "csv", ExportFormat.Csv);
        foreach (var (split, file) in new[] { (data.Train, "train.csv"), (data.Test, "test.csv") })
        {
            var lines = File.ReadAllLines(Path.Combine(result.Path, file));
            Assert.Equal("label," + string.Join(",", Enumerable.Range(0, 784).Select(i => $"pixel{i}")), lines[0]);
            Assert.Equal(split.Count + 1, lines.Length);
            for (int row = 0; row < split.Count; row++)
            {
                var values = lines[row + 1].Split(',').Select(byte.Parse).ToArray();
                Assert.Equal(split.Labels[row], values[0]);
                Assert.Equal(split.GetImage(row), values[1..]);
            }
        }
    }

    [Fact]
    public void Csv_of_samples_named_dot_csv_is_one_file()
    {
        var split = Slice.Test;
        var samples = new[] { 3, 1, 4 }.Select(i => MnistSample.From(split, i)).ToArray();
        var result = Export(ExportImages.FromSamples(samples), "three.csv", ExportFormat.Csv);
        var lines = File.ReadAllLines(result.Path);
        Assert.Equal(4, lines.Length);
        Assert.Equal(split.Labels[1], byte.Parse(lines[2].Split(',')[0]));
        Assert.Equal("ExportDatasetNeedsFolder", Assert.Throws<MnistException>(() =>
            DataExporter.Plan(ExportImages.FromDataset(Slice), Path.Combine(_folder, "all.csv"), ExportFormat.Csv, false)).ErrorId);
    }

    [Fact]
    public void Png_folders_of_a_dataset_hold_gray8_pictures_of_exactly_the_pixels()
    {
        var data = TestData.Mnist.Take(60, 20);
        var result = Export(ExportImages.FromDataset(data), "png", ExportFormat.Png);
        Assert.Equal(1 + 80, result.Files);
        Assert.Equal(string.Concat(data.ClassNames.Select(n => n + "\n")), File.ReadAllText(Path.Combine(result.Path, ClassFolderNames.ListFile)));
        foreach (var (split, folder) in new[] { (data.Train, "train"), (data.Test, "test") })
        {
            for (int i = 0; i < split.Count; i++)
            {
                var file = Path.Combine(result.Path, folder, split.ClassNames[split.Labels[i]], $"{i:D5}.png");
                var bytes = File.ReadAllBytes(file);
                Assert.Equal(8, bytes[24]); // IHDR bit depth
                Assert.Equal(0, bytes[25]); // IHDR colour type: grayscale
                using var bitmap = SKBitmap.Decode(bytes);
                Assert.Equal((28, 28, SKColorType.Gray8), (bitmap.Width, bitmap.Height, bitmap.ColorType));
                Assert.Equal(split.GetImage(i), bitmap.GetPixelSpan().ToArray());
            }
        }
        Assert.Equal(new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" },
            Directory.GetDirectories(Path.Combine(result.Path, "train")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Png_class_folders_of_fashion_mnist_are_safe_names_and_classes_txt_keeps_the_real_ones()
    {
        if (!Directory.Exists(FashionFolder)) return; // Debian's dataset-fashion-mnist is not installed here
        var fashion = MnistLoader.LoadFolder(FashionFolder).Take(10, 100);
        var result = Export(ExportImages.FromSplit(fashion.Test), "fashion", ExportFormat.Png);
        Assert.Equal(fashion.ClassNames, File.ReadAllLines(Path.Combine(result.Path, ClassFolderNames.ListFile)));
        var tshirts = Enumerable.Range(0, 100).Where(i => fashion.Test.Labels[i] == 0).ToArray();
        Assert.NotEmpty(tshirts);
        foreach (var i in tshirts) Assert.True(File.Exists(Path.Combine(result.Path, "T-shirt_top", $"{i:D5}.png")));
        Assert.False(Directory.Exists(Path.Combine(result.Path, "T-shirt")));
    }

    [Fact]
    public void Predictions_go_into_the_folder_of_their_label_or_prediction_named_by_both()
    {
        var split = Slice.Test;
        var wrong = new MnistPrediction
        {
            Index = 42, Split = "Test", Predicted = 7, Label = 2, Pixels = split.GetImage(42), Rows = 28, Columns = 28,
            ClassNames = split.ClassNames,
        };
        var file = new MnistPrediction
        {
            File = "/tmp/scan 3.jpg", Predicted = 3, Pixels = split.GetImage(1), Rows = 28, Columns = 28, ClassNames = split.ClassNames,
        };
        var byLabel = Export(ExportImages.FromPredictions(new[] { wrong }, PredictionClass.Label), "review", ExportFormat.Png);
        Assert.True(File.Exists(Path.Combine(byLabel.Path, "2", "test-00042-predicted-7-label-2.png")));

        var byPrediction = Export(ExportImages.FromPredictions(new[] { wrong, file }, PredictionClass.Predicted), "predicted", ExportFormat.Png);
        Assert.True(File.Exists(Path.Combine(byPrediction.Path, "7", "test-00042-predicted-7-label-2.png")));
        using var bitmap = SKBitmap.Decode(Path.Combine(byPrediction.Path, "3", "scan 3-predicted-3.png"));
        Assert.Equal(split.GetImage(1), bitmap.GetPixelSpan().ToArray());

        var e = Assert.Throws<MnistException>(() => ExportImages.FromPredictions(new[] { wrong, file }, PredictionClass.Label));
        Assert.Equal("ExportPredictionUnlabelled", e.ErrorId);
        Assert.Contains("scan 3.jpg", e.Message);
    }

    [Fact]
    public void Samples_piped_twice_get_two_pictures()
    {
        var sample = MnistSample.From(Slice.Train, 5);
        var result = Export(ExportImages.FromSamples(new[] { sample, sample }), "twice", ExportFormat.Png);
        var folder = Path.Combine(result.Path, sample.ClassName);
        Assert.Equal(new[] { "train-00005-2.png", "train-00005.png" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cancelled_export_leaves_nothing_behind()
    {
        using var cancel = new CancellationTokenSource();
        var plan = DataExporter.Plan(ExportImages.FromDataset(TestData.Mnist.Take(200, 50)), Path.Combine(_folder, "cancelled"), ExportFormat.Png, false);
        var progress = new Progress(p => { if (p.Done >= 100) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DataExporter.Write(plan, false, progress, cancel.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));

        var npz = DataExporter.Plan(ExportImages.FromDataset(Slice), Path.Combine(_folder, "cancelled.npz"), ExportFormat.Npz, false);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DataExporter.Write(npz, false, null, cancelled.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Existing_files_are_refused_before_anything_is_written_unless_overwriting()
    {
        var target = Path.Combine(_folder, "existing");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        File.WriteAllText(Path.Combine(target, "t10k-labels-idx1-ubyte"), "old");
        var images = ExportImages.FromDataset(Slice);
        var e = Assert.Throws<MnistException>(() => Export(images, "existing", ExportFormat.Idx));
        Assert.Equal("FileExists", e.ErrorId);
        Assert.Equal(new[] { "keep.txt", "t10k-labels-idx1-ubyte" }, Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        Export(images, "existing", ExportFormat.Idx, overwrite: true);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "keep.txt")));
        AssertSameImages(Slice.Test, MnistLoader.LoadFolder(target).Test);
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Targets_that_cannot_hold_the_export_are_refused_before_anything_is_written()
    {
        var images = ExportImages.FromDataset(Slice);
        File.WriteAllText(Path.Combine(_folder, "a-file"), "x");
        Assert.Equal("ExportTargetNotAFolder", Assert.Throws<MnistException>(() => Export(images, "a-file", ExportFormat.Png)).ErrorId);
        Assert.Equal("FolderNotFound", Assert.Throws<MnistException>(() => Export(images, Path.Combine("missing", "png"), ExportFormat.Png)).ErrorId);
        Assert.Equal("ExportOptionNotApplicable", Assert.Throws<MnistException>(() => Export(images, "x.npz", ExportFormat.Npz, compress: true)).ErrorId);
        Assert.Equal(new[] { "a-file" }, Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Samples_of_other_classes_or_shapes_are_not_written_together()
    {
        var digit = MnistSample.From(Slice.Test, 0);
        var shoe = new MnistSample("Test", 0, 9, MnistDataset.FashionClassNames, 28, 28, new byte[784]);
        var e = Assert.Throws<MnistException>(() => ExportImages.FromSamples(new[] { digit, shoe }));
        Assert.Equal("ExportMixedData", e.ErrorId);
        Assert.Contains("Ankle boot", e.Message);
    }

    [Fact]
    public void A_temporary_folder_left_by_a_killed_export_is_removed_by_the_next()
    {
        var stale = Path.Combine(_folder, $".png.{int.MaxValue - 7}.{Guid.NewGuid():N}{Persistence.AtomicFile.TemporarySuffix}");
        Directory.CreateDirectory(Path.Combine(stale, "train", "3"));
        File.WriteAllBytes(Path.Combine(stale, "train", "3", "00001.png"), new byte[10]);
        Export(ExportImages.FromSplit(TestData.Mnist.Take(20, 20).Test), "png", ExportFormat.Png);
        Assert.Equal(new[] { "png" }, Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void An_existing_target_that_links_to_another_file_system_is_written_through_the_link()
    {
        if (!Directory.Exists("/dev/shm")) return; // no second file system (tmpfs) to link to on this platform
        var elsewhere = Path.Combine("/dev/shm", "mnist-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(elsewhere);
        try
        {
            var link = Path.Combine(_folder, "linked");
            Directory.CreateSymbolicLink(link, elsewhere);
            Export(ExportImages.FromDataset(Slice), "linked", ExportFormat.Idx);
            AssertSameImages(Slice.Train, MnistLoader.LoadFolder(elsewhere).Train);
            Assert.Equal(4, Directory.GetFileSystemEntries(elsewhere).Length);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private sealed class Progress(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }
}
