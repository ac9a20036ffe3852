using System.IO.Compression;
using System.Text;
using Mnist.Core.Data;
using Xunit;

namespace Mnist.Core.Tests;

public class NpzReaderTests
{
    private static byte[] Npy(string descr, int[] shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange(new byte[] { 1, 0 });
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static string Npz(int train, int test, string labelDescr = "|u1", int imageSize = 28)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mnist-{Guid.NewGuid():N}.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, byte[] content)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(content);
        }
        byte[] Labels(int n) => labelDescr == "<i8"
            ? Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes((long)(i % 10))).ToArray()
            : Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        Add("x_train.npy", Npy("|u1", new[] { train, imageSize, imageSize }, new byte[train * imageSize * imageSize]));
        Add("y_train.npy", Npy(labelDescr, new[] { train }, Labels(train)));
        Add("x_test.npy", Npy("|u1", new[] { test, imageSize, imageSize }, new byte[test * imageSize * imageSize]));
        Add("y_test.npy", Npy(labelDescr, new[] { test }, Labels(test)));
        return path;
    }

    [Fact]
    public void Reads_a_keras_npz_with_uint8_labels()
    {
        var data = MnistLoader.LoadPath(Npz(20, 5));
        Assert.Equal(20, data.Train.Count);
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, data.Test.Labels);
    }

    [Fact]
    public void Reads_int64_labels()
    {
        Assert.Equal(9, MnistLoader.LoadPath(Npz(12, 3, "<i8")).Train.Labels[9]);
    }

    [Fact]
    public void Rejects_an_npz_of_another_image_size()
    {
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(Npz(4, 2, imageSize: 32)));
        Assert.Equal("IdxWrongImageSize", e.ErrorId);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_a_zip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mnist-{Guid.NewGuid():N}.npz");
        File.WriteAllText(path, "not a zip");
        var e = Assert.Throws<MnistException>(() => MnistLoader.LoadPath(path));
        Assert.Equal("NpzNotZip", e.ErrorId);
        Assert.Contains(path, e.Message);
    }
}
