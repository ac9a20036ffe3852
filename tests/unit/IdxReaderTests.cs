using Mnist.Core.Data;
using Xunit;

namespace Mnist.Core.Tests;

public class IdxReaderTests
{
    [Fact]
    public void Reads_a_well_formed_folder_of_raw_files()
    {
        var data = MnistLoader.LoadFolder(TestData.Folder());
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(3, data.Test.Count);
        Assert.Equal(new byte[] { 7, 8, 9 }, data.Test.Labels);
        Assert.Equal(28, data.Train.Rows);
        Assert.Equal(4, data.Checksums.Count);
    }

    [Fact]
    public void Reads_gzip_compressed_files_the_same_as_raw_ones()
    {
        var raw = MnistLoader.LoadFolder(TestData.Folder());
        var gz = MnistLoader.LoadFolder(TestData.Folder(gzip: true));
        Assert.Equal(raw.Train.Pixels, gz.Train.Pixels);
        Assert.Equal(raw.Checksums, gz.Checksums);
    }

    [Fact]
    public void Accepts_the_dotted_spelling_of_the_file_names()
    {
        var folder = TestData.Folder();
        File.Move(Path.Combine(folder, "train-images-idx3-ubyte"), Path.Combine(folder, "train-images.idx3-ubyte"));
        Assert.Equal(6, MnistLoader.LoadFolder(folder).Train.Count);
    }

    [Fact]
    public void Rejects_a_wrong_magic_number_naming_the_file()
    {
        var folder = TestData.Folder(trainImages: TestData.ImageFile(6, magic: 0x1234));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("IdxWrongMagic", e.ErrorId);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("magic number", e.Message);
    }

    [Fact]
    public void Rejects_a_truncated_image_file()
    {
        var full = TestData.ImageFile(6);
        var folder = TestData.Folder(trainImages: full[..(full.Length - 100)]);
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("IdxTruncated", e.ErrorId);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void Rejects_a_file_shorter_than_its_header()
    {
        var folder = TestData.Folder(testLabels: new byte[] { 0, 0, 8 });
        Assert.Equal("IdxTruncated", Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder)).ErrorId);
    }

    [Fact]
    public void Rejects_images_and_labels_of_different_counts()
    {
        var folder = TestData.Folder(trainLabels: TestData.LabelFile(1, 2, 3));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("DataCountMismatch", e.ErrorId);
        Assert.Contains("6 images", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void Rejects_a_gz_file_that_is_not_gzip()
    {
        var folder = TestData.Folder();
        File.Move(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("IdxNotGzip", e.ErrorId);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
    }

    [Fact]
    public void Rejects_a_truncated_gzip_file_naming_it()
    {
        var folder = TestData.Folder();
        var gz = TestData.Gzip(TestData.ImageFile(3));
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), gz[..(gz.Length / 2)]);
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Contains(e.ErrorId, new[] { "IdxTruncated", "IdxCorruptGzip" });
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void Rejects_images_of_another_size()
    {
        var folder = TestData.Folder(trainImages: TestData.ImageFile(6, 32, 32));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("IdxWrongImageSize", e.ErrorId);
        Assert.Contains("32x32", e.Message);
    }

    [Fact]
    public void Rejects_labels_outside_the_classes()
    {
        var folder = TestData.Folder(testLabels: TestData.LabelFile(7, 12, 9));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("IdxLabelOutOfRange", e.ErrorId);
        Assert.Contains("label 12 at index 1", e.Message);
    }

    [Fact]
    public void Reports_a_missing_file_by_name()
    {
        var folder = TestData.Folder();
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadFolder(folder));
        Assert.Equal("DataFileNotFound", e.ErrorId);
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void The_real_cache_matches_the_published_checksums()
    {
        var data = TestData.Mnist;
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal(5, data.Train.Labels[0]);
        Assert.Equal(7, data.Test.Labels[0]);
        foreach (var file in MnistFiles.All) Assert.Equal(file.Sha256, data.Checksums[file.Name]);
    }
}
