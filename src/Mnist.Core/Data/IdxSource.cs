using System.IO.Compression;
using System.Security.Cryptography;

namespace Mnist.Core.Data;

/// <summary>
/// A raw or gzip-compressed IDX file read front to back, straight into the caller's buffers, hashing the
/// (uncompressed) content on the way: one pass, no intermediate copy of the file.
/// </summary>
internal sealed class IdxSource : IDisposable
{
    private readonly FileStream _file;
    private readonly Stream _content;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private IdxSource(string path, FileStream file, Stream content, bool isGzip, uint? gzipSizeModulo)
    {
        Path = path;
        _file = file;
        _content = content;
        IsGzip = isGzip;
        FileLength = file.Length;
        _gzipSizeModulo = gzipSizeModulo;
    }

    private readonly uint? _gzipSizeModulo;

    public string Path { get; }
    public bool IsGzip { get; }

    /// <summary>The length of the file on disk (compressed, for a .gz).</summary>
    public long FileLength { get; }

    /// <summary>
    /// Whether a content of <paramref name="length"/> bytes could be in this file at all: a raw file's length is
    /// known; a gzip file inflates at most about 1032:1 (deflate's limit).
    /// </summary>
    public bool CanHold(long length) => IsGzip ? length <= FileLength * InputLimits.MaxDeflateRatio + 1024 : length <= FileLength;

    /// <summary>
    /// Whether the gzip trailer's size (ISIZE, the content length modulo 2^32) agrees with <paramref name="length"/>;
    /// only then is a buffer of that size worth allocating before the data is seen. A raw file always agrees.
    /// </summary>
    public bool TrailerAgrees(long length) => !IsGzip || _gzipSizeModulo == (uint)(length & 0xFFFFFFFF);

    public static IdxSource Open(string path)
    {
        if (!File.Exists(path))
            throw new MnistException("DataFileNotFound", MnistErrorKind.NotFound, $"Data file '{path}' does not exist.", path);
        var file = Persistence.InputFile.OpenRead(path);
        Span<byte> signature = stackalloc byte[2];
        int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        bool isGzip = read == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        uint? sizeModulo = null;
        if (isGzip && file.Length >= 18)
        {
            Span<byte> trailer = stackalloc byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            sizeModulo = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }
        file.Position = 0;
        if (!isGzip && path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            file.Dispose();
            throw new MnistException("IdxNotGzip", MnistErrorKind.InvalidData,
                $"'{path}' is named .gz but is not gzip-compressed (no gzip signature 1F 8B).", path);
        }
        return new IdxSource(path, file, isGzip ? new GZipStream(file, CompressionMode.Decompress) : file, isGzip, sizeModulo);
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the content goes; returns how many bytes it got.</summary>
    public int Read(Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int read = _content.Read(buffer[total..]);
                if (read == 0) break;
                total += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new MnistException("IdxCorruptGzip", MnistErrorKind.InvalidData, $"'{Path}' is a damaged gzip file: {e.Message}", Path, e);
        }
        _hash.AppendData(buffer[..total]);
        return total;
    }

    /// <summary>Whether the content ends here (a byte read to find out is hashed like any other).</summary>
    public bool AtEnd()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0;
    }

    public string Sha256() => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    public void Dispose()
    {
        _content.Dispose();
        _file.Dispose();
        _hash.Dispose();
    }
}
