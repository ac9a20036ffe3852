using System.IO.Compression;
using Mnist.Core.Modeling;

namespace Mnist.Core.Persistence;

/// <summary>The first bytes of a file, and the entry names when it is a zip: what a format recognises a file by.</summary>
internal sealed record FileHead(byte[] Bytes, IReadOnlyList<string> ZipEntries)
{
    public bool StartsWith(params byte[] magic) => Bytes.AsSpan().StartsWith(magic);

    public static FileHead Read(string full)
    {
        var bytes = new byte[16];
        int read;
        using (var stream = InputFile.OpenRead(full)) read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        bytes = bytes[..read];
        IReadOnlyList<string> entries = Array.Empty<string>();
        if (bytes.AsSpan().StartsWith("PK\u0003\u0004"u8))
        {
            try
            {
                using var zip = new ZipArchive(InputFile.OpenRead(full));
                entries = zip.Entries.Select(e => e.FullName).ToArray();
            }
            catch (InvalidDataException)
            {
                // A damaged zip: no format recognises it by content; the extension may still name its reader.
            }
        }
        return new FileHead(bytes, entries);
    }

    /// <summary>What the file seems to be when no model format recognises it, for the message.</summary>
    public string? Looks =>
        StartsWith(0x89, (byte)'P', (byte)'N', (byte)'G') ? "a PNG picture"
        : StartsWith(0xFF, 0xD8, 0xFF) ? "a JPEG picture"
        : StartsWith((byte)'G', (byte)'I', (byte)'F') ? "a GIF picture"
        : StartsWith((byte)'B', (byte)'M') ? "a BMP picture"
        : StartsWith(0x1F, 0x8B) ? "gzip-compressed data"
        : StartsWith(0x00, 0x00, 0x08, 0x03) ? "an IDX image file"
        : StartsWith(0x00, 0x00, 0x08, 0x01) ? "an IDX label file"
        : ZipEntries.Count > 0 ? "a zip archive"
        : Bytes.Length == 0 ? "empty"
        : null;
}

/// <summary>
/// One file format a model is written in: whether it recognises a file by its content, its usual extensions, how
/// it saves a model and how it reads one. Every reader goes through <see cref="Assemble"/>: the model built from
/// the file's <see cref="ModelRecord"/>, its weights filled in, and nothing left allocated when that fails.
/// </summary>
internal abstract class ModelFileFormat
{
    public abstract ModelFormat Format { get; }
    public abstract IReadOnlyList<string> Extensions { get; }
    public abstract bool Recognises(FileHead head);
    public abstract void Save(MnistModel model, string path, bool overwrite);

    /// <summary>Reads the model from an existing file (<paramref name="full"/>; <paramref name="path"/> as the user gave it).</summary>
    public abstract MnistModel Load(string full, string path);

    /// <summary>The files a save writes.</summary>
    public virtual IReadOnlyList<string> TargetsOf(string path) => new[] { path };

    /// <summary>
    /// The shared load template: the model the record describes (a record that describes none is refused in the
    /// format's words by <paramref name="invalid"/>), then its weights and state by <paramref name="fill"/>, then its
    /// path. A failure on the way disposes the model.
    /// </summary>
    internal static MnistModel Assemble(ModelRecord record, string full, Func<string, Exception, MnistException> invalid, Action<MnistModel> fill)
    {
        MnistModel model;
        try
        {
            model = record.CreateModel();
        }
        catch (MnistException e)
        {
            throw invalid(e.Message, e);
        }
        try
        {
            fill(model);
            model.SetFilePath(full);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
