using System.Security.Cryptography;
using Mnist.Core.Imaging;
using Mnist.Core.Imaging.Pictures;
using Xunit;

namespace Mnist.Core.Tests;

public class PictureSetTests
{
    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "mnist-pictures-" + Guid.NewGuid().ToString("N"));

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void The_same_seed_writes_byte_identical_files_and_another_seed_different_ones()
    {
        var split = TestData.Mnist.Test;
        string a = NewFolder(), b = NewFolder(), c = NewFolder();
        PictureSet.Write(split, a, 26, seed: 7, overwrite: false);
        PictureSet.Write(split, b, 26, seed: 7, overwrite: false);
        PictureSet.Write(split, c, 26, seed: 8, overwrite: false);
        var first = Hashes(a);
        Assert.Equal(27, first.Count);
        Assert.Equal(first, Hashes(b));
        var other = Hashes(c);
        Assert.True(first.Count(pair => other.TryGetValue(pair.Key, out var hash) && hash == pair.Value) <= 1,
            "a different seed should change every picture");
    }

    [Fact]
    public void The_manifest_records_each_files_true_label_and_every_kind_in_turn()
    {
        var split = TestData.Mnist.Test;
        var folder = NewFolder();
        var entries = PictureSet.Write(split, folder, 13, seed: 1, overwrite: false);
        var lines = File.ReadAllLines(Path.Combine(folder, PictureSet.ManifestName));
        Assert.Equal("File,Label,Index,Kind,Width,Height", lines[0]);
        Assert.Equal(13, lines.Length - 1);
        Assert.Equal(PictureSet.Kinds, entries.Select(e => e.Kind));
        for (int i = 0; i < 13; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(split.Labels[i].ToString(), fields[1]);
            Assert.EndsWith($"-{entries[i].Kind}-{split.Labels[i]}" + Path.GetExtension(fields[0]), Path.GetFileNameWithoutExtension(fields[0]) + Path.GetExtension(fields[0]));
            var gray = DigitImageFile.ReadGray(Path.Combine(folder, fields[0]));
            Assert.Equal((entries[i].Width, entries[i].Height), (gray.Width, gray.Height));
            Assert.InRange(gray.Width, 64, 400);
            Assert.InRange(gray.Height, 64, 400);
        }
    }

    [Fact]
    public void An_existing_set_is_not_replaced_without_overwrite()
    {
        var folder = NewFolder();
        PictureSet.Write(TestData.Mnist.Test, folder, 2, seed: 1, overwrite: false);
        var error = Assert.Throws<MnistException>(() => PictureSet.Write(TestData.Mnist.Test, folder, 2, seed: 1, overwrite: false));
        Assert.Equal("FileExists", error.ErrorId);
        PictureSet.Write(TestData.Mnist.Test, folder, 2, seed: 2, overwrite: true);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void A_count_outside_the_split_is_PictureCountOutOfRange(int count)
    {
        var error = Assert.Throws<MnistException>(() => PictureSet.Write(TestData.Mnist.Test, NewFolder(), count, 1, false));
        Assert.Equal("PictureCountOutOfRange", error.ErrorId);
    }
}
