using System.Security.Cryptography;

namespace Mnist.Core.Data.Sources;

/// <summary>
/// Prepared images kept under the data cache, so that importing a grown folder prepares only its new pictures. An
/// entry is keyed by the picture's content (SHA-256 of the file), the preparation and its version, and the image
/// shape; it holds the pixels and a SHA-256 over key and pixels, and is never trusted blindly: an entry that does not
/// check out is ignored (and replaced by the caller's fresh preparation). Entries are written to a temporary file and
/// renamed into place, so two imports at once at worst write the same entry twice. The cache is bounded per shard
/// (256 shards by the key's first byte): a shard over its share loses its oldest entries.
/// </summary>
public sealed class PreparedImageCache
{
    private const int MagicNumber = 0x43504E4D; // "MNPC"
    private const int HeaderBytes = 4 + 32 + 2 + 2;
    private const int TrailerBytes = 32;

    /// <summary>Entries the whole cache keeps: a million 28x28 entries take about 4 GB of disk at 4 KB a block.</summary>
    public const int DefaultMaxEntries = 1_000_000;

    private readonly string _folder;
    private readonly int _maxPerShard;
    private readonly HashSet<int> _touchedShards = new();

    public PreparedImageCache(string cacheRoot, PicturePreparation preparation, int rows, int columns, int maxEntries = DefaultMaxEntries)
    {
        _folder = Path.Combine(cacheRoot, "prepared", $"{preparation.ToString().ToLowerInvariant()}-v{PicturePreparer.Version}-{rows}x{columns}");
        _maxPerShard = Math.Max(1, maxEntries / 256);
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }
    public int Columns { get; }
    public string Folder => _folder;

    /// <summary>The prepared pixels for a picture whose content hash is <paramref name="key"/>, or null.</summary>
    public byte[]? TryGet(byte[] key)
    {
        var path = EntryPath(key);
        byte[] entry;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != HeaderBytes + Rows * Columns + TrailerBytes) return null;
            entry = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Decode(entry, key);
    }

    /// <summary>Stores an entry; a failure to write only costs the next import a preparation.</summary>
    public void Put(byte[] key, byte[] pixels)
    {
        var path = EntryPath(key);
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, Encode(key, pixels));
            File.Move(temporary, path, overwrite: true);
            lock (_touchedShards) _touchedShards.Add(key[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception) { /* the cache is an optimisation */ }
        }
    }

    /// <summary>Trims every shard written to since the last call down to its share, oldest entries first.</summary>
    public void Trim()
    {
        int[] shards;
        lock (_touchedShards) { shards = _touchedShards.ToArray(); _touchedShards.Clear(); }
        foreach (var shard in shards)
        {
            var folder = Path.Combine(_folder, shard.ToString("x2"));
            try
            {
                var entries = new DirectoryInfo(folder).GetFiles("*.bin");
                if (entries.Length <= _maxPerShard) continue;
                foreach (var stale in entries.OrderBy(f => f.LastWriteTimeUtc).Take(entries.Length - _maxPerShard * 9 / 10))
                    stale.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* another import trims too */ }
        }
    }

    private string EntryPath(byte[] key)
    {
        var hex = Convert.ToHexString(key).ToLowerInvariant();
        return Path.Combine(_folder, hex[..2], hex + ".bin");
    }

    private byte[] Encode(byte[] key, byte[] pixels)
    {
        var entry = new byte[HeaderBytes + pixels.Length + TrailerBytes];
        BitConverter.TryWriteBytes(entry.AsSpan(0, 4), MagicNumber);
        key.CopyTo(entry, 4);
        BitConverter.TryWriteBytes(entry.AsSpan(36, 2), (ushort)Rows);
        BitConverter.TryWriteBytes(entry.AsSpan(38, 2), (ushort)Columns);
        pixels.CopyTo(entry, HeaderBytes);
        SHA256.HashData(entry.AsSpan(0, HeaderBytes + pixels.Length), entry.AsSpan(HeaderBytes + pixels.Length));
        return entry;
    }

    private byte[]? Decode(byte[] entry, byte[] key)
    {
        int pixelCount = Rows * Columns;
        if (entry.Length != HeaderBytes + pixelCount + TrailerBytes) return null;
        if (BitConverter.ToInt32(entry, 0) != MagicNumber || !entry.AsSpan(4, 32).SequenceEqual(key)) return null;
        if (BitConverter.ToUInt16(entry, 36) != Rows || BitConverter.ToUInt16(entry, 38) != Columns) return null;
        Span<byte> sum = stackalloc byte[32];
        SHA256.HashData(entry.AsSpan(0, HeaderBytes + pixelCount), sum);
        if (!sum.SequenceEqual(entry.AsSpan(HeaderBytes + pixelCount))) return null;
        return entry.AsSpan(HeaderBytes, pixelCount).ToArray();
    }
}
