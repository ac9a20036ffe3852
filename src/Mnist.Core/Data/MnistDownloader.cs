using System.IO.Compression;
using System.Net.Http;
using System.Security.Cryptography;
using Mnist.Core.Persistence;
using Mnist.Core.Web;

namespace Mnist.Core.Data;

public sealed record DownloadProgress(string File, string Mirror, long BytesReceived, long? TotalBytes);

/// <summary>
/// Fills the cache folder from the mirrors: each .gz is checked against its published SHA-256, decompressed,
/// checked again, and moved into place; a failure of any kind (an error, a wrong sum, a body larger than the
/// published size, a mirror that stops sending for <see cref="ReadTimeout"/>) falls over to the next mirror, and
/// nothing partial ever reaches the cache. Temporary files are removed on failure, and those of a killed run by
/// the next one; a cache folder this call created is removed again if nothing could be put in it.
/// </summary>
public sealed class MnistDownloader
{
    /// <summary>Environment variable: seconds a mirror may stay silent (connecting, or in the middle of a body) before the next is tried.</summary>
    public const string TimeoutVariable = "MNIST_DOWNLOAD_TIMEOUT";

    /// <summary>The size of a file whose published size is not known (KMNIST's): larger than any of the datasets' files.</summary>
    public const long UnknownSizeLimit = 64L << 20;

    private readonly HttpClient _http;
    private readonly IReadOnlyList<string> _mirrors;
    private readonly IReadOnlyList<MnistFiles.KnownFile> _files;

    /// <param name="files">The files to fetch and their sums; the four MNIST files unless a test says otherwise.</param>
    /// <param name="readTimeout">How long a mirror may send nothing; $env:MNIST_DOWNLOAD_TIMEOUT seconds, else 30 s.</param>
    public MnistDownloader(IReadOnlyList<string>? mirrors = null, HttpClient? http = null, IReadOnlyList<MnistFiles.KnownFile>? files = null,
        TimeSpan? readTimeout = null)
    {
        _mirrors = mirrors ?? MnistFiles.ConfiguredMirrors;
        _http = http ?? WebFetch.CreateClient();
        _files = files ?? MnistFiles.All;
        ReadTimeout = readTimeout ?? ConfiguredTimeout();
    }

    public TimeSpan ReadTimeout { get; }

    private static TimeSpan ConfiguredTimeout() => EnvironmentSettings.Timeout(TimeoutVariable);

    public void FillCache(string cacheFolder, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        var created = FoldersToCreate(Path.GetFullPath(cacheFolder));
        Directory.CreateDirectory(cacheFolder);
        try
        {
            foreach (var file in _files)
            {
                var target = Path.Combine(cacheFolder, file.Name);
                AtomicFile.RemoveStaleTemporaries(target);
                AtomicFile.RemoveStaleTemporaries(target + ".gz");
                if (File.Exists(target) && MnistFiles.Sha256Hex(target) == file.Sha256) continue;
                Download(file, target, progress, cancel);
            }
        }
        catch
        {
            // Leave no empty cache folder behind: remove what this call created, innermost first, while empty.
            foreach (var folder in created)
            {
                try
                {
                    if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            throw;
        }
    }

    /// <summary>The folders of <paramref name="folder"/>'s path that do not exist yet, innermost first.</summary>
    private static List<string> FoldersToCreate(string folder)
    {
        var missing = new List<string>();
        for (var current = folder; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
            missing.Add(current);
        return missing;
    }

    private void Download(MnistFiles.KnownFile file, string target, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        var failures = new List<string>();
        foreach (var mirror in _mirrors)
        {
            // Only absolute http(s) mirrors are asked; any other (file://, ftp://, a relative path) is skipped with its reason.
            var url = mirror.TrimEnd('/') + "/" + file.Name + ".gz";
            if (WebAddress.Parse(url, out var problem) is not { } address)
            {
                failures.Add($"{WebAddress.Shown(mirror)}: {problem}");
                continue;
            }
            var gzipTemp = AtomicFile.TemporaryPathFor(target + ".gz");
            try
            {
                Fetch(address, gzipTemp, file, WebAddress.Shown(mirror), progress, cancel);
                var gzipSum = MnistFiles.Sha256Hex(gzipTemp);
                if (gzipSum != file.GzipSha256)
                    throw new InvalidDataException($"SHA-256 {gzipSum} does not match the published {file.GzipSha256}");
                AtomicFile.Write(target, output => DecompressVerified(gzipTemp, output, file.Sha256), overwrite: true);
                return;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or TimeoutException or OperationCanceledException
                or WebFetchException)
            {
                failures.Add($"{WebAddress.Shown(address)}: {WebAddress.Scrub(e.Message, new[] { address })}");
            }
            finally
            {
                TryDelete(gzipTemp);
            }
        }
        // The first line carries a reason of its own: callers that show one line (the build's data task) show why.
        var reason = failures.Count switch
        {
            0 => "no mirror is configured",
            1 => failures[0],
            _ => $"{failures.Count} mirrors failed, the last with {failures[^1]}",
        };
        var each = failures.Count > 1 ? Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", failures) : "";
        throw new MnistException("DownloadFailed", MnistErrorKind.ResourceUnavailable,
            $"Could not download '{file.Name}' from any mirror: {reason}{each}" +
            $"{Environment.NewLine}Put the four IDX files in '{Path.GetDirectoryName(target)}' or use -Path.", file.Name);
    }

    /// <summary>Decompresses into <paramref name="output"/>, hashing on the way; a wrong sum throws, so the move never happens.</summary>
    private static void DecompressVerified(string gzipPath, Stream output, string expectedSha256)
    {
        using var input = new GZipStream(File.OpenRead(gzipPath), CompressionMode.Decompress);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            output.Write(buffer, 0, read);
        }
        var sum = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        // KMNIST publishes sums of its .gz files only; those were checked before decompressing.
        if (expectedSha256.Length > 0 && sum != expectedSha256)
            throw new InvalidDataException($"uncompressed SHA-256 {sum} does not match the published {expectedSha256}");
    }

    /// <summary>
    /// Downloads one body to <paramref name="path"/>: refused when it announces or sends more than the published
    /// size, abandoned when the mirror sends no headers, or nothing of the body, for <see cref="ReadTimeout"/> (each
    /// read has its own deadline); redirects only to http(s).
    /// </summary>
    private void Fetch(Uri url, string path, MnistFiles.KnownFile file, string mirror, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        long limit = file.GzipLength > 0 ? file.GzipLength : UnknownSizeLimit;
        using var response = WebFetch.Get(_http, url, ReadTimeout, cancel);
        response.EnsureSuccessStatusCode();
        var announced = response.Content.Headers.ContentLength;
        if (announced > limit)
            throw new InvalidDataException($"it announces {announced:N0} bytes, more than the published {limit:N0}");
        using var body = new DeadlineStream(response.Content.ReadAsStream(cancel), ReadTimeout, cancel);
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var buffer = new byte[81920];
        long received = 0;
        int read;
        while ((read = body.Read(buffer, 0, buffer.Length)) > 0)
        {
            received += read;
            if (received > limit)
                throw new InvalidDataException($"it sent more than the published {limit:N0} bytes");
            output.Write(buffer, 0, read);
            progress?.Report(new DownloadProgress(file.Name, mirror, received, announced ?? (file.GzipLength > 0 ? file.GzipLength : null)));
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
