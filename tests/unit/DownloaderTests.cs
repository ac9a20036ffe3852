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
            Assert.Empty(Directory.GetFiles(cache));
        }
    }

    private sealed class Collect(List<DownloadProgress> into) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => into.Add(value);
    }
}
