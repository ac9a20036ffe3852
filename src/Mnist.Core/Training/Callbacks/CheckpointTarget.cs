using System.IO.Compression;
using System.Text.Json;
using Mnist.Core.Persistence;
using Mnist.Core.Persistence.PyTorch;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// The files a checkpoint writes (a PyTorch state_dict also writes its architecture .json beside it) and whether
/// each may be replaced without -Force: only a model file of the checkpoint's own format (a checkpoint of an
/// earlier run) is, so a mistyped -CheckpointPath never turns someone's notes into a model. Recognised by the
/// first bytes and the zip's table of contents, never by reading the whole file.
/// </summary>
internal static class CheckpointTarget
{
    private const int MaxArchitectureBytes = 4 << 20;

    /// <summary>Refuses, before any epoch, a target that is not writable or holds something other than a model file of <paramref name="format"/> (unless <paramref name="force"/>).</summary>
    public static void Check(string path, ModelFormat format, bool force)
    {
        PathChecks.Validate(path, "The checkpoint path");
        var targets = ModelFormats.TargetsOf(path, format);
        for (int i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var full = AtomicFile.CheckTarget(target, overwrite: true);
            if (force || !File.Exists(full)) continue;
            bool isArchitecture = i > 0;
            if (!IsModelFile(full, format, isArchitecture))
                throw new MnistException("CheckpointWouldReplace", MnistErrorKind.AlreadyExists,
                    $"'{full}' exists and is not {(isArchitecture ? "the architecture file of a PyTorch checkpoint" : $"a model file ({Describe(format)})")}; " +
                    "a checkpoint replaces only an earlier checkpoint. Use -Force to replace it anyway, or choose another -CheckpointPath.", target);
        }
    }

    private static string Describe(ModelFormat format) => format switch
    {
        ModelFormat.Onnx => "an ONNX file this module wrote",
        ModelFormat.PyTorch => "a PyTorch state_dict",
        _ => "the module's own format",
    };

    private static bool IsModelFile(string path, ModelFormat format, bool isArchitecture)
    {
        try
        {
            using var stream = InputFile.OpenRead(path);
            if (isArchitecture) return IsArchitecture(stream);
            return format switch
            {
                ModelFormat.Onnx => IsModuleOnnx(stream),
                ModelFormat.PyTorch => ZipHolds(stream, name => name.EndsWith("data.pkl", StringComparison.Ordinal)),
                _ => ZipHolds(stream, name => name == "model.json"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException or MnistException)
        {
            return false;
        }
    }

    private static bool ZipHolds(Stream stream, Func<string, bool> entry)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual("PK\u0003\u0004"u8)) return false;
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        return zip.Entries.Any(e => entry(e.FullName));
    }

    /// <summary>The exporter's ModelProto starts with ir_version (field 1, a varint) and then producer_name "Mnist" (field 2).</summary>
    private static bool IsModuleOnnx(Stream stream)
    {
        Span<byte> head = stackalloc byte[32];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (head.Length < 2 || head[0] != 0x08) return false;
        int i = 1;
        while (i < head.Length && (head[i] & 0x80) != 0) i++;
        i++;
        return head.Length >= i + 7 && head[i] == 0x12 && head[i + 1] == 5 && head.Slice(i + 2, 5).SequenceEqual("Mnist"u8);
    }

    private static bool IsArchitecture(Stream stream)
    {
        if (stream.Length > MaxArchitectureBytes) return false;
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
            && kind.GetString() == PyTorchArchitecture.KindName;
    }
}
