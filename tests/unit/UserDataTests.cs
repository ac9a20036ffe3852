using Mnist.Core.Data;
using Mnist.Core.Data.Files;
using Mnist.Core.Data.Sources;
using SkiaSharp;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Writes picture folders and CSV files the way users have them, from real MNIST digits.</summary>
internal sealed class UserFolder : IDisposable
{
    public UserFolder() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "mnist-own-" + Guid.NewGuid().ToString("N"));

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>MNIST test image <paramref name="index"/> as a 28x28 8-bit grayscale PNG (white ink on black, as MNIST).</summary>
    public string WriteDigit(string relative, int index) => WritePng(relative, TestData.Mnist.Test.GetImage(index));

    public string WritePng(string relative, byte[] pixels, int side = 28)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return WriteBytes(relative, data.ToArray());
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string WriteText(string relative, string text) => WriteBytes(relative, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The first <paramref name="count"/> MNIST test digits, each in the folder of its label.</summary>
    public void WriteDigits(int count, string under = "", int from = 0)
    {
        for (int i = from; i < from + count; i++)
            WriteDigit(Path.Combine(under, TestData.Mnist.Test.Labels[i].ToString(), $"digit-{i:D5}.png"), i);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public class PictureFolderImportTests
{
    private static DataImportOptions Options(string? cache = null) => new() { CacheRoot = cache };

    [Fact]
    public void A_folder_of_class_folders_is_a_dataset_with_its_folder_names_as_classes_in_ordinal_order()
    {
        using var folder = new UserFolder();
        folder.WriteDigit("b/one.png", 0);
        folder.WriteDigit("a/two.png", 1);
        folder.WriteDigit("c/deeper/three.png", 2);
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        Assert.Equal(new[] { "a", "b", "c" }, data.ClassNames);
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(Path.GetFileName(folder.Root), data.Name);
        Assert.Equal(new[] { 1, 1, 1 }, data.Train.ClassCounts);
    }

    [Fact]
    public void A_28x28_grayscale_picture_is_taken_exactly_as_it_is()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(40);
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        var mnist = TestData.Mnist.Test;
        var expected = Enumerable.Range(0, 40).Select(i => Convert.ToHexString(mnist.GetImage(i)) + mnist.Labels[i]).Order();
        var actual = Enumerable.Range(0, data.Train.Count).Select(i => Convert.ToHexString(data.Train.GetImage(i)) + data.ClassNames[data.Train.Labels[i]]).Order();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Other_pictures_get_the_same_digit_preparation_as_prediction_from_a_file()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(10);
        using var bitmap = new SKBitmap(120, 90);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var pen = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(50, 10, 12, 60, pen);
        }
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var photo = folder.WriteBytes("1/photo.png", png.ToArray());
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        var prepared = Imaging.DigitImageFile.Prepare(photo);
        Assert.Contains(Enumerable.Range(0, data.Train.Count), i => data.Train.GetImage(i).AsSpan().SequenceEqual(prepared));
    }

    [Fact]
    public void Files_that_are_not_pictures_are_skipped_and_listed()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(10);
        folder.WriteText("1/Thumbs.db", "x");
        folder.WriteText("1/.DS_Store", "x");
        folder.WriteText("README.txt", "about these digits");
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        Assert.Equal(10, data.Train.Count);
        Assert.Equal(3, data.Import!.Skipped);
        Assert.Contains(data.Import.SkippedFiles, f => f.EndsWith("Thumbs.db"));
    }

    [Fact]
    public void A_damaged_picture_is_reported_with_its_file_and_the_import_goes_on()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(10);
        var good = File.ReadAllBytes(folder.WriteDigit("4/whole.png", 20));
        var cut = folder.WriteBytes("4/cut.png", good[..(good.Length / 2)]);
        var junk = folder.WriteText("4/junk.jpg", "not a picture at all");
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        Assert.Equal(11, data.Train.Count);
        Assert.Equal(new[] { cut, junk }.Order(), data.Import!.Failures.Select(f => (string)f.Target!).Order());
        Assert.All(data.Import.Failures, f => Assert.Equal("ImageUnreadable", f.ErrorId));
    }

    [Fact]
    public void Hostile_files_in_the_middle_of_a_folder_are_refused_without_reading_them()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(10);
        var sparse = folder.PathOf("5/huge.png");
        using (var stream = File.Create(sparse)) stream.SetLength(10L << 30);
        Directory.CreateSymbolicLink(folder.PathOf("5/loop"), folder.Root);
        var fifo = folder.PathOf("6/pipe.png");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        folder.WriteDigit("6/fine.png", 30);
        bool hasFifo = OperatingSystem.IsLinux() && System.Diagnostics.Process.Start("mkfifo", fifo)!.WaitForExit(5000) && File.Exists(fifo);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(11, data.Train.Count);
        Assert.Contains(data.Import!.Failures, f => f.ErrorId == "ImageTooLarge" && (string)f.Target! == sparse);
        Assert.Contains(data.Import.SkippedFiles, f => f == folder.PathOf("5/loop"));
        if (hasFifo) Assert.Contains(data.Import.Failures, f => f.ErrorId == "ImageNotRegularFile" && (string)f.Target! == fifo);
    }

    [Fact]
    public void Class_names_come_from_classes_txt_or_the_caller_in_label_order()
    {
        using var folder = new UserFolder();
        folder.WriteDigit("T-shirt_top/a.png", 0);
        folder.WriteDigit("Trouser/b.png", 1);
        folder.WriteDigit("Bag/c.png", 2);
        folder.WriteText(ClassFolderNames.ListFile, "T-shirt/top\nTrouser\nBag\n");
        var listed = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0 });
        Assert.Equal(new[] { "T-shirt/top", "Trouser", "Bag" }, listed.ClassNames);

        var named = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0, ClassNames = new[] { "Trouser", "Bag", "T-shirt/top" } });
        Assert.Equal("Trouser", named.ClassNames[0]);
    }

    [Fact]
    public void A_named_class_without_a_folder_is_a_class_with_no_pictures_yet()
    {
        using var folder = new UserFolder();
        folder.WriteDigit("1/a.png", 2);
        folder.WriteDigit("2/b.png", 1);
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0, ClassNames = DatasetCatalog.DigitClassNames });
        Assert.Equal(DatasetCatalog.DigitClassNames, data.ClassNames);
        Assert.Equal(new[] { 0, 1, 1, 0, 0, 0, 0, 0, 0, 0 }, data.Train.ClassCounts);
    }

    [Fact]
    public void A_class_folder_not_named_by_the_caller_is_an_error_never_dropped()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(100);
        var error = Assert.Throws<MnistException>(() =>
            MnistLoader.LoadPath(folder.Root, Options() with { ClassNames = new[] { "0", "1", "2", "3", "4", "5", "6", "7", "9" } }));
        Assert.Equal("PictureClassNotNamed", error.ErrorId);
        Assert.Contains("'8'", error.Message);
    }

    [Fact]
    public void Empty_class_folders_and_folders_without_classes_are_errors_that_say_which()
    {
        using var folder = new UserFolder();
        Directory.CreateDirectory(folder.PathOf("empty"));
        folder.WriteText("README.txt", "nothing");
        Assert.Equal("PictureFolderNoClasses", Assert.Throws<MnistException>(() => MnistLoader.LoadPath(folder.PathOf("empty"), Options())).ErrorId);
        folder.WriteDigits(10);
        var error = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(folder.Root, Options()));
        Assert.Equal("PictureClassEmpty", error.ErrorId);
        Assert.Contains(folder.PathOf("empty"), error.Message);

        Directory.Delete(folder.PathOf("empty"));
        folder.WriteText("bad/x.png", "not a picture");
        var unusable = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(folder.Root, Options()));
        Assert.Equal("PictureClassEmpty", unusable.ErrorId);
        Assert.Contains("'bad'", unusable.Message);
    }

    [Fact]
    public void Train_and_test_folders_are_the_splits()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(30, "train");
        folder.WriteDigits(10, "test", from: 30);
        var data = MnistLoader.LoadPath(folder.Root, Options());
        Assert.Equal((30, 10), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void The_split_is_decided_by_content_and_no_test_picture_moves_as_the_folder_grows()
    {
        using var folder = new UserFolder();
        folder.WriteDigits(200);
        var before = MnistLoader.LoadPath(folder.Root, Options());
        var testBefore = Enumerable.Range(0, before.Test.Count).Select(i => Convert.ToHexString(before.Test.GetImage(i))).ToHashSet();
        Assert.InRange(before.Test.Count, 20, 60);

        folder.WriteDigits(300, from: 200);
        var after = MnistLoader.LoadPath(folder.Root, Options());
        var testAfter = Enumerable.Range(0, after.Test.Count).Select(i => Convert.ToHexString(after.Test.GetImage(i))).ToHashSet();
        var trainAfter = Enumerable.Range(0, after.Train.Count).Select(i => Convert.ToHexString(after.Train.GetImage(i))).ToHashSet();
        Assert.Subset(testAfter, testBefore);
        Assert.Empty(testBefore.Intersect(trainAfter));
    }

    [Fact]
    public void Every_class_with_five_pictures_has_test_pictures()
    {
        using var folder = new UserFolder();
        for (int c = 0; c < 20; c++)
        for (int i = 0; i < 5; i++)
            folder.WriteDigit($"class{c:D2}/{i}.png", c * 5 + i);
        var data = MnistLoader.LoadPath(folder.Root, Options());
        Assert.All(data.Test.ClassCounts, count => Assert.True(count > 0));
    }

    [Fact]
    public void The_identity_comes_from_content_not_names_or_order_and_changes_with_a_relabelled_picture()
    {
        using var first = new UserFolder();
        using var second = new UserFolder();
        first.WriteDigits(30);
        for (int i = 29; i >= 0; i--)
            second.WriteDigit(Path.Combine(TestData.Mnist.Test.Labels[i].ToString(), $"renamed-{100 - i}.png"), i);
        var a = MnistLoader.LoadPath(first.Root, Options() with { Name = "same" });
        var b = MnistLoader.LoadPath(second.Root, Options() with { Name = "same" });
        Assert.True(a.Identity.IsSameDataAs(b.Identity));

        var moved = Directory.GetFiles(second.PathOf("7"))[0];
        File.Move(moved, second.PathOf("1/" + Path.GetFileName(moved)));
        var relabelled = MnistLoader.LoadPath(second.Root, Options() with { Name = "same" });
        Assert.False(a.Identity.IsSameDataAs(relabelled.Identity));
    }

    [Fact]
    public void Prepared_images_come_from_the_cache_the_second_time_and_a_damaged_entry_is_prepared_again()
    {
        using var folder = new UserFolder();
        using var cache = new UserFolder();
        for (int i = 0; i < 6; i++) folder.WriteBytes($"{i % 2}/photo{i}.png", Photo(i));
        var first = MnistLoader.LoadPath(folder.Root, Options(cache.Root) with { TestFraction = 0 });
        Assert.Equal((0, 6), (first.Import!.PreparedFromCache, first.Import.Prepared));

        var second = MnistLoader.LoadPath(folder.Root, Options(cache.Root) with { TestFraction = 0 });
        Assert.Equal(6, second.Import!.PreparedFromCache);
        Assert.Equal(first.Train.Pixels, second.Train.Pixels);

        var entry = Directory.GetFiles(cache.Root, "*.bin", SearchOption.AllDirectories)[0];
        var bytes = File.ReadAllBytes(entry);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(entry, bytes);
        var third = MnistLoader.LoadPath(folder.Root, Options(cache.Root) with { TestFraction = 0 });
        Assert.Equal((5, 1), (third.Import!.PreparedFromCache, third.Import.Prepared));
        Assert.Equal(first.Train.Pixels, third.Train.Pixels);
    }

    [Fact]
    public void Resize_fits_a_picture_that_is_not_a_digit_without_isolating_anything()
    {
        using var folder = new UserFolder();
        for (int i = 0; i < 4; i++) folder.WriteBytes($"{i % 2}/p{i}.png", Photo(i));
        var data = MnistLoader.LoadPath(folder.Root, Options() with { TestFraction = 0, Preparation = PicturePreparation.Resize });
        var image = data.Train.GetImage(0);
        Assert.Equal(0, image[0]);          // light paper became the dark field
        Assert.True(image.Max() > 200);     // the dark bar became bright

        var none = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(folder.Root, Options() with { Preparation = PicturePreparation.None }));
        Assert.Equal("PictureClassEmpty", none.ErrorId);
    }

    /// <summary>A dark bar on white paper, 100x80, its place moved by <paramref name="seed"/>.</summary>
    private static byte[] Photo(int seed)
    {
        using var bitmap = new SKBitmap(100, 80);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var pen = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(30 + seed * 5, 10, 10 + seed, 50, pen);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}

public class CsvImportTests
{
    private static string Row(int label, byte[] pixels) => label + "," + string.Join(",", pixels);

    private static string Rows(int from, int count) =>
        string.Join("\n", Enumerable.Range(from, count).Select(i => Row(TestData.Mnist.Test.Labels[i], TestData.Mnist.Test.GetImage(i))));

    private static readonly string KaggleHeader = "label," + string.Join(",", Enumerable.Range(0, 784).Select(i => $"pixel{i}"));

    [Fact]
    public void Kaggles_labelled_layout_and_the_headerless_layout_read_the_same_images()
    {
        using var folder = new UserFolder();
        var kaggle = folder.WriteText("kaggle.csv", KaggleHeader + "\n" + Rows(0, 50) + "\n");
        var plain = folder.WriteText("plain.csv", Rows(0, 50).Replace("\n", "\r\n"));
        var a = MnistLoader.LoadPath(kaggle, new DataImportOptions { TestFraction = 0 });
        var b = MnistLoader.LoadPath(plain, new DataImportOptions { TestFraction = 0 });
        Assert.Equal(TestData.Mnist.Test.Pixels.AsSpan(0, 50 * 784).ToArray(), a.Train.Pixels);
        Assert.Equal(a.Train.Pixels, b.Train.Pixels);
        Assert.Equal(TestData.Mnist.Test.Labels[..50], b.Train.Labels);
        Assert.Equal(DatasetCatalog.DigitClassNames, a.ClassNames);
    }

    [Fact]
    public void A_folder_with_train_and_test_csv_imports_as_the_two_splits_in_file_order()
    {
        using var folder = new UserFolder();
        folder.WriteText("train.csv", KaggleHeader + "\n" + Rows(0, 40));
        folder.WriteText("test.csv", Rows(40, 10));
        var data = MnistLoader.LoadPath(folder.Root, new DataImportOptions());
        Assert.Equal((40, 10), (data.Train.Count, data.Test.Count));
        Assert.Equal(TestData.Mnist.Test.GetImage(40), data.Test.GetImage(0));
    }

    [Fact]
    public void Kaggles_unlabelled_test_csv_leaves_the_split_to_the_content()
    {
        using var folder = new UserFolder();
        folder.WriteText("train.csv", KaggleHeader + "\n" + Rows(0, 100));
        folder.WriteText("test.csv", string.Join(",", Enumerable.Range(0, 784).Select(i => $"pixel{i}")) + "\n" + string.Join(",", new byte[784]));
        var data = MnistLoader.LoadPath(folder.Root, new DataImportOptions());
        Assert.Equal(100, data.Train.Count + data.Test.Count);
        Assert.NotEmpty(data.Import!.Notes);
    }

    [Theory]
    [InlineData("7,1,2,3", "columns")]
    [InlineData("7,{pixels},256", "columns")]
    [InlineData("{label}300,{pixels}", "label")]
    [InlineData("3,{pixelsMinusOne},-4", "'-4'")]
    [InlineData("3,{pixelsMinusOne},2.5", "'2.5'")]
    public void A_bad_row_is_an_error_naming_the_file_and_line(string badRow, string expected)
    {
        using var folder = new UserFolder();
        var pixels = string.Join(",", new byte[784]);
        var row = badRow.Replace("{pixelsMinusOne}", string.Join(",", new byte[783])).Replace("{pixels}", pixels).Replace("{label}", "");
        var path = folder.WriteText("bad.csv", Rows(0, 3) + "\n" + row + "\n" + Rows(3, 3));
        var error = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(path, new DataImportOptions()));
        Assert.Equal("CsvRowInvalid", error.ErrorId);
        Assert.Contains("Line 4", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_label_that_is_not_one_of_the_named_classes_is_an_error()
    {
        using var folder = new UserFolder();
        var path = folder.WriteText("three.csv", Rows(0, 20));
        var error = Assert.Throws<MnistException>(() =>
            MnistLoader.LoadPath(path, new DataImportOptions { ClassNames = new[] { "zero", "one", "two" } }));
        Assert.Equal("CsvRowInvalid", error.ErrorId);
        Assert.Contains("Line 1", error.Message);
    }

    [Fact]
    public void A_manifest_names_pictures_anywhere_with_their_class()
    {
        using var folder = new UserFolder();
        var lines = new List<string> { "file,label,note" };
        for (int i = 0; i < 20; i++)
        {
            folder.WriteDigit($"scans/{i}.png", i);
            lines.Add($"scans/{i}.png,{(TestData.Mnist.Test.Labels[i] % 2 == 0 ? "even" : "odd")},x");
        }
        var manifest = folder.WriteText("sub/../labels.csv", string.Join("\n", lines));
        var data = MnistLoader.LoadPath(manifest, new DataImportOptions { TestFraction = 0 });
        Assert.Equal(new[] { "even", "odd" }, data.ClassNames);
        Assert.Equal(20, data.Train.Count);
    }
}
