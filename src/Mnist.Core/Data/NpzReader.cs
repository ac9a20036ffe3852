using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Mnist.Core.Data;

/// <summary>Reads Keras' <c>mnist.npz</c>: a zip of x_train, y_train, x_test, y_test .npy arrays.</summary>
public static partial class NpzReader
{
    public sealed record NpyArray(string Descr, int[] Shape, byte[] Data);

    public static (IdxReader.ImageFile Images, byte[] Labels) ReadSplit(string path, string split, int classCount = 10)
    {
        if (!File.Exists(path))
            throw new MnistException("DataFileNotFound", MnistErrorKind.NotFound, $"Data file '{path}' does not exist.", path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new MnistException("NpzNotZip", MnistErrorKind.InvalidData, $"'{path}' is not a valid .npz (zip) file: {e.Message}", path, e);
        }
        using (zip)
        {
            var x = ReadArray(zip, path, $"x_{split}.npy");
            var y = ReadArray(zip, path, $"y_{split}.npy");
            if (x.Descr != "|u1" || x.Shape.Length != 3)
                throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData,
                    $"'{path}': x_{split} is {x.Descr} of shape ({string.Join(", ", x.Shape)}); expected uint8 (N, 28, 28).", path);
            if (x.Shape[1] != 28 || x.Shape[2] != 28)
                throw new MnistException("IdxWrongImageSize", MnistErrorKind.InvalidData,
                    $"'{path}': x_{split} holds {x.Shape[1]}x{x.Shape[2]} images; expected 28x28.", path);
            var labels = ToLabels(y, path, split);
            if (labels.Length != x.Shape[0])
                throw new MnistException("DataCountMismatch", MnistErrorKind.InvalidData,
                    $"'{path}': x_{split} has {x.Shape[0]:N0} images but y_{split} has {labels.Length:N0} labels.", path);
            for (int i = 0; i < labels.Length; i++)
                if (labels[i] >= classCount)
                    throw new MnistException("IdxLabelOutOfRange", MnistErrorKind.InvalidData,
                        $"'{path}': y_{split} has label {labels[i]} at index {i}; labels must be 0-{classCount - 1}.", path);
            return (new IdxReader.ImageFile(x.Shape[0], 28, 28, x.Data), labels);
        }
    }

    private static byte[] ToLabels(NpyArray y, string path, string split)
    {
        if (y.Shape.Length != 1)
            throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData, $"'{path}': y_{split} must be one-dimensional.", path);
        return y.Descr switch
        {
            "|u1" => y.Data,
            "<i8" => Enumerable.Range(0, y.Shape[0]).Select(i => checked((byte)BitConverter.ToInt64(y.Data, i * 8))).ToArray(),
            _ => throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData,
                $"'{path}': y_{split} has dtype {y.Descr}; expected uint8 or int64.", path),
        };
    }

    private static NpyArray ReadArray(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new MnistException("NpzMissingArray", MnistErrorKind.InvalidData,
            $"'{path}' has no array '{name}'; a Keras mnist.npz holds x_train, y_train, x_test and y_test.", path);
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ParseNpy(buffer.ToArray(), $"{path}:{name}");
    }

    public static NpyArray ParseNpy(byte[] bytes, string where)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || bytes[1] != (byte)'N' || bytes[2] != (byte)'U')
            throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData, $"'{where}' is not a .npy array.", where);
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        var header = System.Text.Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True"))
            throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData, $"'{where}' is Fortran-ordered; expected C order.", where);
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        int dataStart = headerStart + headerLength;
        long elementSize = descr.EndsWith("8") ? 8 : 1;
        long expected = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
        if (bytes.Length - dataStart < expected)
            throw new MnistException("IdxTruncated", MnistErrorKind.InvalidData,
                $"'{where}' is truncated: {bytes.Length - dataStart:N0} data bytes, expected {expected:N0}.", where);
        return new NpyArray(descr, shape, bytes.AsSpan(dataStart, (int)expected).ToArray());
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
