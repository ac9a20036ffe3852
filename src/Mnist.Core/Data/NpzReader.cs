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
            zip = new ZipArchive(Persistence.InputFile.OpenRead(path));
        }
        catch (InvalidDataException e)
        {
            throw new MnistException("NpzNotZip", MnistErrorKind.InvalidData, $"'{path}' is not a valid .npz (zip) file: {e.Message}", path, e);
        }
        using (zip)
        try
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
        catch (InvalidDataException e)
        {
            throw new MnistException("NpzNotZip", MnistErrorKind.InvalidData, $"'{path}' is a damaged .npz (zip) file: {e.Message}", path, e);
        }
    }

    private static byte[] ToLabels(NpyArray y, string path, string split)
    {
        if (y.Shape.Length != 1)
            throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData, $"'{path}': y_{split} must be one-dimensional.", path);
        return y.Descr switch
        {
            "|u1" => y.Data,
            "<i8" => Enumerable.Range(0, y.Shape[0]).Select(i => BitConverter.ToInt64(y.Data, i * 8) is >= 0 and <= 255 and var v ? (byte)v
                : throw new MnistException("IdxLabelOutOfRange", MnistErrorKind.InvalidData,
                    $"'{path}': y_{split} has label {BitConverter.ToInt64(y.Data, i * 8)} at index {i}.", path)).ToArray(),
            _ => throw new MnistException("NpzBadArray", MnistErrorKind.InvalidData,
                $"'{path}': y_{split} has dtype {y.Descr}; expected uint8 or int64.", path),
        };
    }

    /// <summary>
    /// Reads one .npy entry through a bounded stream: its header is parsed and checked (dtype, order, shape, and a
    /// size the entry's compressed bytes can really hold) before the data's buffer is allocated, exactly once.
    /// </summary>
    private static NpyArray ReadArray(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new MnistException("NpzMissingArray", MnistErrorKind.InvalidData,
            $"'{path}' has no array '{name}'; a Keras mnist.npz holds x_train, y_train, x_test and y_test.", path);
        bool images = name.StartsWith("x_", StringComparison.Ordinal);
        using var stream = entry.Open();
        var where = $"{path}:{name}";
        MnistException Bad(string why) => new("NpzBadArray", MnistErrorKind.InvalidData, $"'{where}': {why}.", path);

        var preamble = new byte[12];
        if (stream.ReadAtLeast(preamble.AsSpan(0, 10), 10, throwOnEndOfStream: false) < 10 || preamble[0] != 0x93 || preamble[1] != (byte)'N' || preamble[2] != (byte)'U')
            throw Bad("not a .npy array");
        int major = preamble[6];
        long headerLength;
        if (major == 1) headerLength = BitConverter.ToUInt16(preamble, 8);
        else if (major is 2 or 3)
        {
            if (stream.ReadAtLeast(preamble.AsSpan(10, 2), 2, throwOnEndOfStream: false) < 2) throw Bad("its header ends early");
            headerLength = BitConverter.ToUInt32(preamble, 8);
        }
        else throw Bad($".npy version {major} is not one this module reads");
        if (headerLength > 65_536) throw Bad($"its header claims {headerLength:N0} bytes");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerLength) throw Bad("its header ends early");
        var header = System.Text.Encoding.ASCII.GetString(headerBytes);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True"))
            throw Bad("it is Fortran-ordered; expected C order");
        var shapeText = ShapePattern().Match(header);
        if (!shapeText.Success) throw Bad("its header has no shape");
        var parts = shapeText.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out shape[i]) || shape[i] < 0) throw Bad($"its shape ({shapeText.Groups[1].Value}) is not a list of sizes");
        long elementSize = descr switch
        {
            "|u1" => 1,
            "<i8" when !images => 8,
            _ => throw Bad(images ? $"it is {descr} of shape ({string.Join(", ", shape)}); expected uint8 (N, 28, 28)" : $"dtype {descr}; expected uint8 or int64"),
        };
        if (images && shape.Length != 3) throw Bad($"it is {descr} of shape ({string.Join(", ", shape)}); expected uint8 (N, 28, 28)");
        if (images && (shape[1] != 28 || shape[2] != 28))
            throw new MnistException("IdxWrongImageSize", MnistErrorKind.InvalidData,
                $"'{path}': {name[..^4]} holds {shape[1]}x{shape[2]} images; expected 28x28.", path);
        if (!images && shape.Length != 1) throw Bad("labels must be one-dimensional");
        long expected = shape.Aggregate(1L, (a, b) => a * b) * elementSize;
        long canHold = entry.CompressedLength * (entry.CompressedLength == entry.Length ? 1 : InputLimits.MaxDeflateRatio) + 1024;
        if (expected > Array.MaxLength || expected > canHold)
            throw new MnistException("IdxTruncated", MnistErrorKind.InvalidData,
                $"'{where}' is truncated: its shape ({string.Join(", ", shape)}) needs {expected:N0} bytes, more than its {entry.CompressedLength:N0} stored bytes can hold.", path);
        var data = GC.AllocateUninitializedArray<byte>((int)expected);
        int got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < expected)
            throw new MnistException("IdxTruncated", MnistErrorKind.InvalidData,
                $"'{where}' is truncated: {got:N0} data bytes, expected {expected:N0}.", path);
        if (stream.ReadByte() >= 0) throw Bad("it has bytes after the data its shape accounts for");
        return new NpyArray(descr, shape, data);
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
