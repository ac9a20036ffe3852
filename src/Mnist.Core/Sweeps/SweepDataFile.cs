using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mnist.Core.Data;
using Mnist.Core.Persistence;

namespace Mnist.Core.Sweeps;

/// <summary>
/// A dataset as one file, exactly: its pixels, labels, class names and identity (name, checksums, parts), so that a
/// trial in another process, or on another machine, trains on the same data and its model names the same data. The
/// file is read as untrusted: every size in its header is checked against the file's length before anything is
/// allocated.
/// </summary>
public static class SweepDataFile
{
    public const string FileName = "data.mnist-data";
    private static readonly byte[] Magic = "MNIST-SWEEP-DATA1\n"u8.ToArray();
    private const int MaxHeaderBytes = 16 << 20;
    private const int MaxImages = 10_000_000;

    public static void Write(MnistDataset data, string path) =>
        AtomicFile.Write(path, stream => Write(data, stream), overwrite: true);

    public static byte[] ToBytes(MnistDataset data)
    {
        using var memory = new MemoryStream();
        Write(data, memory);
        return memory.ToArray();
    }

    public static MnistDataset Read(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return Read(stream, path);
    }

    public static MnistDataset FromBytes(byte[] bytes) => Read(new MemoryStream(bytes, writable: false), "the data sent with the trial");

    private static void Write(MnistDataset data, Stream stream)
    {
        var header = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["Identity"] = IdentityJson.ToJson(data.Identity),
            ["Source"] = data.Source,
            ["Rows"] = data.Train.Rows,
            ["Columns"] = data.Train.Columns,
            ["Encoding"] = data.LabelEncoding.ToString(),
            ["TrainParts"] = new JsonArray(data.Train.PartCounts.Select(c => (JsonNode)c).ToArray()),
            ["TestParts"] = new JsonArray(data.Test.PartCounts.Select(c => (JsonNode)c).ToArray()),
        }.ToJsonString());
        stream.Write(Magic);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var split in new[] { data.Train, data.Test })
        {
            stream.Write(split.Pixels);
            stream.Write(split.Labels);
        }
    }

    private static MnistDataset Read(Stream stream, string name)
    {
        var prefix = new byte[Magic.Length + 4];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) != prefix.Length || !prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Invalid(name, "it is not a sweep's data file");
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(Magic.Length));
        long remaining = stream.Length - prefix.Length;
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > remaining) throw Invalid(name, $"its header declares {headerLength:N0} bytes");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        remaining -= headerLength;

        JsonObject header;
        DataIdentity identity;
        int rows, columns;
        LabelEncoding encoding;
        int[] trainParts, testParts;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw Invalid(name, "its header is empty");
            identity = IdentityJson.FromJson(header["Identity"], name);
            rows = header["Rows"]!.GetValue<int>();
            columns = header["Columns"]!.GetValue<int>();
            encoding = Enum.Parse<LabelEncoding>(header["Encoding"]!.GetValue<string>());
            trainParts = header["TrainParts"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            testParts = header["TestParts"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            throw Invalid(name, $"its header is not valid ({e.Message})");
        }
        if (rows < 1 || columns < 1 || rows > InputLimits.MaxInputSide || columns > InputLimits.MaxInputSide)
            throw Invalid(name, $"its images are {rows}x{columns}");
        if (identity.TrainCount is < 0 or > MaxImages || identity.TestCount is < 0 or > MaxImages)
            throw Invalid(name, $"it declares {identity.TrainCount:N0} training and {identity.TestCount:N0} test images");
        long expected = ((long)identity.TrainCount + identity.TestCount) * (rows * columns + 1L);
        if (expected != remaining) throw Invalid(name, $"it holds {remaining:N0} bytes of images where its header declares {expected:N0}");

        var train = ReadSplit(stream, "Train", identity.TrainCount, rows, columns, identity.ClassNames, encoding, trainParts, name);
        var test = ReadSplit(stream, "Test", identity.TestCount, rows, columns, identity.ClassNames, encoding, testParts, name);
        var source = header["Source"]?.GetValue<string>() ?? name;
        return new MnistDataset(identity.Name, source, train, test, identity.Checksums, identity.Parts.Count == 0 ? null : identity.Parts);
    }

    private static MnistSplit ReadSplit(Stream stream, string split, int count, int rows, int columns, IReadOnlyList<string> classNames,
        LabelEncoding encoding, int[] parts, string name)
    {
        var pixels = new byte[(long)count * rows * columns];
        stream.ReadExactly(pixels);
        var labels = new byte[count];
        stream.ReadExactly(labels);
        int bad = Array.FindIndex(labels, l => l >= classNames.Count);
        if (bad >= 0) throw Invalid(name, $"{split} image {bad} has label {labels[bad]}, but there are {classNames.Count} classes");
        return new MnistSplit(split, rows, columns, pixels, labels, classNames, encoding, parts);
    }

    private static MnistException Invalid(string name, string why) =>
        new("SweepDataInvalid", MnistErrorKind.InvalidData, $"'{name}' cannot be used as a sweep's data: {why}.", name);
}
