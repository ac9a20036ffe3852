using System.Net;
using System.Net.Sockets;
using Mnist.Core.Data;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>The mirror logic against loopback servers: bad hash and 404 fall over, nothing partial reaches the cache.</summary>
public class DownloaderTests
{
    private static readonly byte[] Content = TestData.LabelFile(1, 2, 3, 4);
    private static readonly byte[] Compressed = TestData.Gzip(Content);
    private static readonly MnistFiles.KnownFile File1 = new("toy-labels-idx1-ubyte", "toy-labels.idx1-ubyte",
        MnistFiles.Sha256Hex(Content), MnistFiles.Sha256Hex(Compressed), Compressed.Length);

    private static (HttpListener Listener, string Prefix) Serve(Func<string, (int Status, byte[] Body)> respond)
    {
        var port = FreePort();
        var prefix = $"http://127.0.0.1:{port}/";
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch { return; }
                var (status, body) = respond(context.Request.Url!.AbsolutePath);
                context.Response.StatusCode = status;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        return (listener, prefix);
    }

    private static int FreePort()
    {
        var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    private static string EmptyFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-cache-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public void Falls_over_from_a_missing_file_and_a_bad_hash_to_a_good_mirror()
    {
        var (missing, missingPrefix) = Serve(_ => (404, Array.Empty<byte>()));
        var (corrupt, corruptPrefix) = Serve(_ => (200, Compressed[..^3].Concat(new byte[] { 1, 2, 3 }).ToArray()));
        var (good, goodPrefix) = Serve(path => path.EndsWith(File1.Name + ".gz") ? (200, Compressed) : (404, Array.Empty<byte>()));
        using (missing) using (corrupt) using (good)
        {
            var cache = EmptyFolder();
            var reports = new List<DownloadProgress>();
            new MnistDownloader(new[] { missingPrefix, corruptPrefix, goodPrefix }, files: new[] { File1 })
                .FillCache(cache, new Collect(reports));
            Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, File1.Name)));
            Assert.Single(Directory.GetFiles(cache));
            Assert.Contains(reports, r => r.Mirror == goodPrefix && r.BytesReceived == Compressed.Length);
        }
    }

    [Fact]
    public void A_file_published_with_only_its_gzip_sum_is_checked_by_that_sum_as_kmnist_is()
    {
        var gzipOnly = File1 with { Sha256 = "" };
        var (bad, badPrefix) = Serve(_ => (200, TestData.Gzip(TestData.LabelFile(4, 3, 2, 1))));
        var (good, goodPrefix) = Serve(_ => (200, Compressed));
        using (bad) using (good)
        {
            var cache = EmptyFolder();
            new MnistDownloader(new[] { badPrefix, goodPrefix }, files: new[] { gzipOnly }).FillCache(cache);
            Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, File1.Name)));
        }
    }

    [Fact]
    public void Fails_with_every_mirror_named_and_leaves_nothing_behind()
    {
        var (corrupt, corruptPrefix) = Serve(_ => (200, new byte[] { 1, 2, 3 }));
        using (corrupt)
        {
            var cache = EmptyFolder();
            var e = Assert.Throws<MnistException>(() =>
                new MnistDownloader(new[] { corruptPrefix, "http://127.0.0.1:9/" }, files: new[] { File1 }).FillCache(cache));
            Assert.Equal("DownloadFailed", e.ErrorId);
            Assert.Contains(corruptPrefix, e.Message);
            Assert.Contains("SHA-256", e.Message);
            Assert.Contains("127.0.0.1:9", e.Message);
            // Its first line is what the build's data task prints: it ends with a reason, not with a colon.
            var firstLine = e.Message.Split(Environment.NewLine)[0];
            Assert.Matches("from any mirror: 2 mirrors failed, the last with http://127.0.0.1:9/.+: .+", firstLine);
            Assert.Empty(Directory.GetFiles(cache));
        }
    }

    /// <summary>A raw TCP mirror that answers every request with these headers and bytes, then holds the connection open until disposed.</summary>
    private sealed class StallingMirror : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TcpClient> _clients = new();

        public StallingMirror(string head, byte[] bodyStart)
        {
            _listener.Start();
            Prefix = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(_stop.Token); } catch { return; }
                    lock (_clients) _clients.Add(client);
                    var stream = client.GetStream();
                    var request = new byte[4096];
                    try
                    {
                        for (int total = 0, read; total < request.Length; total += read)
                        {
                            read = await stream.ReadAsync(request.AsMemory(total), _stop.Token);
                            if (read == 0 || System.Text.Encoding.ASCII.GetString(request, 0, total + read).Contains("\r\n\r\n")) break;
                        }
                        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head + "\r\n\r\n"), _stop.Token);
                        await stream.WriteAsync(bodyStart, _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                    }
                    catch
                    {
                    }
                }
            });
        }

        public string Prefix { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_clients) foreach (var client in _clients) client.Dispose();
        }
    }

    [Fact]
    public void A_mirror_that_stops_sending_in_the_middle_of_a_body_is_abandoned_after_the_read_timeout()
    {
        using var stalled = new StallingMirror($"HTTP/1.1 200 OK\r\nContent-Length: {Compressed.Length}", Compressed[..10]);
        var (good, goodPrefix) = Serve(path => path.EndsWith(File1.Name + ".gz") ? (200, Compressed) : (404, Array.Empty<byte>()));
        using (good)
        {
            var cache = EmptyFolder();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // 5 s, not 1: the good mirror must answer within it too, and under a parallel test run on two cores it may not in 1.
            new MnistDownloader(new[] { stalled.Prefix, goodPrefix }, files: new[] { File1 }, readTimeout: TimeSpan.FromSeconds(5)).FillCache(cache);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
            Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, File1.Name)));
            Assert.Single(Directory.GetFileSystemEntries(cache));
        }
    }

    [Fact]
    public void A_mirror_that_never_answers_fails_in_seconds_naming_the_timeout()
    {
        using var silent = new StallingMirror("HTTP/1.1 200 OK\r\nContent-Length: 10", Array.Empty<byte>());
        var cache = EmptyFolder();
        var error = Assert.Throws<MnistException>(() =>
            new MnistDownloader(new[] { silent.Prefix }, files: new[] { File1 }, readTimeout: TimeSpan.FromSeconds(1)).FillCache(cache));
        Assert.Equal("DownloadFailed", error.ErrorId);
        Assert.Contains("sent nothing for 1 s", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void A_body_larger_than_the_published_size_is_cut_off_and_the_next_mirror_used()
    {
        int sent = 0;
        var endless = new HttpListener();
        var endlessPrefix = $"http://127.0.0.1:{FreePort()}/";
        endless.Prefixes.Add(endlessPrefix);
        endless.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                var context = await endless.GetContextAsync();
                context.Response.SendChunked = true; // no Content-Length: only the published size can stop it
                var chunk = new byte[64 << 10];
                while (sent < 1_000) { await context.Response.OutputStream.WriteAsync(chunk); sent++; }
                context.Response.Close();
            }
            catch
            {
            }
        });
        var (liar, liarPrefix) = Serve(_ => (200, new byte[Compressed.Length + 1]));
        var (good, goodPrefix) = Serve(path => path.EndsWith(File1.Name + ".gz") ? (200, Compressed) : (404, Array.Empty<byte>()));
        using (endless) using (liar) using (good)
        {
            var cache = EmptyFolder();
            new MnistDownloader(new[] { endlessPrefix, liarPrefix, goodPrefix }, files: new[] { File1 }, readTimeout: TimeSpan.FromSeconds(5)).FillCache(cache);
            Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, File1.Name)));
            Assert.True(sent < 1_000, "the endless body was not read to its end");
            Assert.Single(Directory.GetFileSystemEntries(cache));
        }
    }

    [Fact]
    public void A_failed_download_into_a_new_cache_folder_leaves_no_folder_and_no_temporary_file()
    {
        var root = EmptyFolder();
        var cache = Path.Combine(root, "new", "mnist");
        Assert.Throws<MnistException>(() =>
            new MnistDownloader(new[] { "http://127.0.0.1:9/" }, files: new[] { File1 }, readTimeout: TimeSpan.FromSeconds(2)).FillCache(cache));
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void A_temporary_download_of_a_killed_run_is_removed_by_the_next_run()
    {
        var cache = EmptyFolder();
        var stale = Path.Combine(cache, $".{File1.Name}.gz.{DeadPid()}.{Guid.NewGuid():N}{Mnist.Core.Persistence.AtomicFile.TemporarySuffix}");
        File.WriteAllBytes(stale, new byte[100]);
        var (good, goodPrefix) = Serve(path => path.EndsWith(File1.Name + ".gz") ? (200, Compressed) : (404, Array.Empty<byte>()));
        using (good)
        {
            new MnistDownloader(new[] { goodPrefix }, files: new[] { File1 }).FillCache(cache);
        }
        Assert.Equal(new[] { File1.Name }, Directory.GetFileSystemEntries(cache).Select(Path.GetFileName));
    }

    private static int DeadPid()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try { using var process = System.Diagnostics.Process.GetProcessById(pid); }
            catch (ArgumentException) { return pid; }
        }
    }

    private sealed class Collect(List<DownloadProgress> into) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => into.Add(value);
    }
}
