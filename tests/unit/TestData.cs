using System.Buffers.Binary;
using System.IO.Compression;
using Mnist.Core.Data;

namespace Mnist.Core.Tests;

/// <summary>Builds small IDX files for parser tests and finds the real MNIST cache for training tests.</summary>
internal static class TestData
{
    public static byte[] ImageFile(int count, int rows = 28, int cols = 28, int magic = IdxReader.ImageMagic, Func<int, byte>? pixel = null)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = pixel?.Invoke(i - 16) ?? (byte)(i % 256);
        return bytes;
    }

    public static byte[] LabelFile(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>A folder with the four files, each written by the caller's choice of content.</summary>
    public static string Folder(byte[]? trainImages = null, byte[]? trainLabels = null, byte[]? testImages = null, byte[]? testLabels = null,
        bool gzip = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mnist-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        void Write(string name, byte[] content) =>
            File.WriteAllBytes(Path.Combine(folder, gzip ? name + ".gz" : name), gzip ? Gzip(content) : content);
        Write("train-images-idx3-ubyte", trainImages ?? ImageFile(6));
        Write("train-labels-idx1-ubyte", trainLabels ?? LabelFile(0, 1, 2, 3, 4, 5));
        Write("t10k-images-idx3-ubyte", testImages ?? ImageFile(3));
        Write("t10k-labels-idx1-ubyte", testLabels ?? LabelFile(7, 8, 9));
        return folder;
    }

    private static readonly Lazy<MnistDataset> Real = new(() => MnistLoader.LoadCache(MnistFiles.DefaultCacheFolder));

    /// <summary>The real MNIST from the cache (build.ps1 Data fills it).</summary>
    public static MnistDataset Mnist => Real.Value;
}
