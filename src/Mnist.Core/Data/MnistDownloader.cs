using System.IO.Compression;
using System.Net.Http;
using System.Security.Cryptography;
using Mnist.Core.Persistence;

namespace Mnist.Core.Data;

public sealed record DownloadProgress(string File, string Mirror, long BytesReceived, long? TotalBytes);

/// <summary>
/// Fills the cache folder from the mirrors: each .gz is checked against its published SHA-256, decompressed,
/// checked again, and moved into place; a failure of any kind falls over to the next mirror, and nothing partial
/// ever reaches the cache.
/// </summary>
public sealed class MnistDownloader
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<string> _mirrors;
    private readonly IReadOnlyList<MnistFiles.KnownFile> _files;

    /// <param name="files">The files to fetch and their sums; the four MNIST files unless a test says otherwise.</param>
    public MnistDownloader(IReadOnlyList<string>? mirrors = null, HttpClient? http = null, IReadOnlyList<MnistFiles.KnownFile>? files = null)
    {
        _mirrors = mirrors ?? MnistFiles.ConfiguredMirrors;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        _files = files ?? MnistFiles.All;
    }

    public void FillCache(string cacheFolder, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(cacheFolder);
        foreach (var file in _files)
        {
            var target = Path.Combine(cacheFolder, file.Name);
            if (File.Exists(target) && MnistFiles.Sha256Hex(target) == file.Sha256) continue;
            Download(file, target, progress, cancel);
        }
    }

    private void Download(MnistFiles.KnownFile file, string target, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        var failures = new List<string>();
        foreach (var mirror in _mirrors)
        {
            var url = mirror.TrimEnd('/') + "/" + file.Name + ".gz";
            var gzipTemp = target + $".{Guid.NewGuid():N}.gz.tmp";
            try
            {
                Fetch(url, gzipTemp, file.Name, mirror, progress, cancel);
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
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or TaskCanceledException)
            {
                failures.Add($"{url}: {e.Message}");
            }
            finally
            {
                TryDelete(gzipTemp);
            }
        }
        throw new MnistException("DownloadFailed", MnistErrorKind.ResourceUnavailable,
            $"Could not download '{file.Name}' from any mirror:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures) +
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
        if (sum != expectedSha256)
            throw new InvalidDataException($"uncompressed SHA-256 {sum} does not match the published {expectedSha256}");
    }

    private void Fetch(string url, string path, string name, string mirror, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        using var response = _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        using var body = response.Content.ReadAsStreamAsync(cancel).GetAwaiter().GetResult();
        using var output = File.Create(path);
        var buffer = new byte[81920];
        long received = 0;
        int read;
        while ((read = body.ReadAsync(buffer, cancel).AsTask().GetAwaiter().GetResult()) > 0)
        {
            output.Write(buffer, 0, read);
            received += read;
            progress?.Report(new DownloadProgress(name, mirror, received, total));
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
