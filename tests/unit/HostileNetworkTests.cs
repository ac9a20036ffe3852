using System.Diagnostics;
using System.Text;
using Mnist.Core.Data;
using Mnist.Core.Runtime;
using Mnist.Core.Web;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// Mirrors and runtime feeds made hostile in the test, on loopback servers each test stops: other schemes, redirects
/// to them, servers that accept and then stay silent (at the headers, mid-index, mid-package), credentials in
/// addresses, and installs that fail.
/// </summary>
public class HostileNetworkTests
{
    private static readonly byte[] Content = TestData.LabelFile(5, 6, 7);
    private static readonly byte[] Compressed = TestData.Gzip(Content);
    private static readonly MnistFiles.KnownFile Toy = new("toy-labels-idx1-ubyte", "toy-labels.idx1-ubyte",
        MnistFiles.Sha256Hex(Content), MnistFiles.Sha256Hex(Compressed), Compressed.Length);

    private static string EmptyFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-net-" + Guid.NewGuid().ToString("N"))).FullName;

    private static LoopbackServer GoodMirror() =>
        new(r => r.Path.EndsWith(Toy.Name + ".gz", StringComparison.Ordinal) ? LoopbackServer.Reply.Ok(Compressed) : LoopbackServer.Reply.NotFound);

    [Fact]
    public void Mirrors_with_another_scheme_or_redirecting_to_one_are_skipped_and_named_and_the_next_mirror_is_used()
    {
        using var toFile = new LoopbackServer(_ => LoopbackServer.Reply.Redirect("file:///etc/passwd"));
        using var toFtp = new LoopbackServer(_ => LoopbackServer.Reply.Redirect("ftp://127.0.0.1/toy.gz"));
        using var good = GoodMirror();
        var bad = new[] { "file:///etc/", "ftp://127.0.0.1/mnist/", "relative/folder/", toFile.Prefix, toFtp.Prefix };

        var cache = EmptyFolder();
        new MnistDownloader(bad.Append(good.Prefix).ToArray(), files: new[] { Toy }, readTimeout: TimeSpan.FromSeconds(5)).FillCache(cache);
        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, Toy.Name)));

        var error = Assert.Throws<MnistException>(() =>
            new MnistDownloader(bad, files: new[] { Toy }, readTimeout: TimeSpan.FromSeconds(5)).FillCache(EmptyFolder()));
        Assert.Equal("DownloadFailed", error.ErrorId);
        Assert.Contains("file:///etc/", error.Message);
        Assert.Contains("scheme 'ftp' is not http or https", error.Message);
        Assert.Contains("relative/folder/", error.Message);
        Assert.Contains($"{toFile.Prefix}{Toy.Name}.gz: redirects to 'file:///etc/passwd'", error.Message);
        Assert.Contains("redirects to 'ftp://127.0.0.1/toy.gz'", error.Message);
    }

    [Fact]
    public void A_mirror_that_accepts_and_never_answers_is_left_after_the_timeout_for_the_next()
    {
        using var silent = new LoopbackServer(_ => LoopbackServer.Reply.Silence);
        using var good = GoodMirror();
        var cache = EmptyFolder();
        var clock = Stopwatch.StartNew();
        new MnistDownloader(new[] { silent.Prefix, good.Prefix }, files: new[] { Toy }, readTimeout: TimeSpan.FromSeconds(2)).FillCache(cache);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 15);
        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(cache, Toy.Name)));
    }

    [Fact]
    public void Cancelling_ends_a_wait_on_a_silent_mirror_at_once_and_leaves_no_cache_folder()
    {
        using var silent = new LoopbackServer(_ => LoopbackServer.Reply.Silence);
        var root = EmptyFolder();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new MnistDownloader(new[] { silent.Prefix }, files: new[] { Toy }, readTimeout: TimeSpan.FromMinutes(10))
                .FillCache(Path.Combine(root, "cache"), cancel: cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void A_mirror_address_with_credentials_is_never_shown()
    {
        using var refusing = new LoopbackServer(_ => LoopbackServer.Reply.NotFound);
        var mirror = refusing.Prefix.Replace("http://", "http://reader:s3cret@") + "mnist/?sig=t0ken&expires=1";
        var error = Assert.Throws<MnistException>(() =>
            new MnistDownloader(new[] { mirror }, files: new[] { Toy }, readTimeout: TimeSpan.FromSeconds(5)).FillCache(EmptyFolder()));
        Assert.DoesNotContain("s3cret", error.Message);
        Assert.DoesNotContain("t0ken", error.Message);
        Assert.Contains("***@127.0.0.1", error.Message);
    }

    // ---- runtime feeds ----

    private static string Index(string prefix) =>
        $$"""{"version":"3.0.0","resources":[{"@id":"{{prefix}}flat/","@type":"PackageBaseAddress/3.0.0"}]}""";

    /// <summary>A feed serving the fake packages, with <paramref name="change"/> deciding a request's reply first (null: serve it).</summary>
    private static LoopbackServer Feed(string folder, Func<LoopbackServer.Request, LoopbackServer.Reply?>? change = null)
    {
        LoopbackServer? server = null;
        server = new LoopbackServer(request =>
        {
            if (change?.Invoke(request) is { } reply) return reply;
            if (request.Path.StartsWith("/v3/index.json", StringComparison.Ordinal)) return LoopbackServer.Reply.Ok(Index(server!.Prefix));
            var file = Path.Combine(folder, Path.GetFileName(request.Path));
            return request.Path.StartsWith("/flat/", StringComparison.Ordinal) && File.Exists(file) ? LoopbackServer.Reply.Ok(File.ReadAllBytes(file)) : LoopbackServer.Reply.NotFound;
        });
        return server;
    }

    private static RuntimeInfo Install(string index, RuntimePins pins, string home, TimeSpan timeout, CancellationToken cancel = default) =>
        new RuntimeInstaller(new NuGetFeedSource(new Uri(index), WebFetch.CreateClient(), timeout), home, pins).Install("linux-x64", false, null, cancel);

    public static TheoryData<string> Stalls => new() { "headers", "index", "package" };

    [Theory]
    [MemberData(nameof(Stalls))]
    public void A_feed_that_stops_sending_fails_after_the_timeout_naming_the_address_and_leaves_nothing(string where)
    {
        var (pins, folder) = RuntimeTests.FakeFeed(flat: true);
        using var feed = Feed(folder, request => where switch
        {
            "headers" => LoopbackServer.Reply.Silence,
            "index" when request.Path.StartsWith("/v3/") => LoopbackServer.Reply.StallAfter(Encoding.UTF8.GetBytes("{\"version\":"), 500),
            "package" when request.Path.EndsWith(".nupkg") => LoopbackServer.Reply.StallAfter(new byte[1000], 100_000),
            _ => null,
        });
        var home = EmptyFolder();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<MnistException>(() => Install(feed.Prefix + "v3/index.json", pins, home, TimeSpan.FromSeconds(1)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal("RuntimeDownloadFailed", error.ErrorId);
        Assert.Contains(feed.Prefix, error.Message);
        Assert.Contains(feed.Prefix, (string)error.Target!);
        // A failed install leaves nothing: no versioned folder, no lock, no staging folder.
        Assert.Empty(Directory.GetFileSystemEntries(home));

        // The next install from a feed that answers works.
        using var good = Feed(folder);
        Assert.True(Install(good.Prefix + "v3/index.json", pins, home, TimeSpan.FromSeconds(10)).IsInstalled);
        Assert.Equal(new[] { "linux-x64" }, Directory.GetFileSystemEntries(Path.Combine(home, pins.Label)).Select(Path.GetFileName));
    }

    [Fact]
    public void Stopping_ends_a_wait_on_a_stalled_package_at_once()
    {
        var (pins, folder) = RuntimeTests.FakeFeed(flat: true);
        using var feed = Feed(folder, request => request.Path.EndsWith(".nupkg") ? LoopbackServer.Reply.StallAfter(new byte[1000], 100_000) : null);
        var home = EmptyFolder();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => Install(feed.Prefix + "v3/index.json", pins, home, TimeSpan.FromMinutes(10), stop.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(Directory.GetFileSystemEntries(home));
    }

    [Fact]
    public void A_feed_redirecting_to_a_file_address_is_RuntimeDownloadFailed_naming_it()
    {
        var (pins, folder) = RuntimeTests.FakeFeed(flat: true);
        using var feed = Feed(folder, request => request.Path.EndsWith(".nupkg") ? LoopbackServer.Reply.Redirect("file:///etc/passwd") : null);
        var error = Assert.Throws<MnistException>(() => Install(feed.Prefix + "v3/index.json", pins, EmptyFolder(), TimeSpan.FromSeconds(5)));
        Assert.Equal("RuntimeDownloadFailed", error.ErrorId);
        Assert.Contains("redirects to 'file:///etc/passwd'", error.Message);
        Assert.Contains(feed.Prefix + "flat/", error.Message);
    }

    [Fact]
    public void Credentials_in_a_feed_address_are_sent_but_never_stored_or_shown()
    {
        var (pins, folder) = RuntimeTests.FakeFeed(flat: true);
        using var feed = Feed(folder);
        var index = feed.Prefix.Replace("http://", "http://reader:s3cret@") + "v3/index.json?sig=t0ken";
        var home = EmptyFolder();
        var info = Install(index, pins, home, TimeSpan.FromSeconds(10));

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("reader:s3cret")), feed.Requests[0].Authorization);
        Assert.Equal("/v3/index.json?sig=t0ken", feed.Requests[0].Path);
        Assert.DoesNotContain("s3cret", info.Source);
        Assert.DoesNotContain("t0ken", info.Source);
        Assert.Contains("***", info.Source);
        var record = File.ReadAllText(Path.Combine(info.Path, RuntimeLocation.MarkerFile));
        Assert.DoesNotContain("s3cret", record);
        Assert.DoesNotContain("t0ken", record);
    }

    [Fact]
    public void A_feed_error_never_shows_the_credentials()
    {
        var (pins, _) = RuntimeTests.FakeFeed(flat: true);
        using var refusing = new LoopbackServer(_ => LoopbackServer.Reply.NotFound);
        var index = refusing.Prefix.Replace("http://", "http://reader:s3cret@") + "v3/index.json?sig=t0ken";
        var error = Assert.Throws<MnistException>(() => Install(index, pins, EmptyFolder(), TimeSpan.FromSeconds(5)));
        Assert.Equal("RuntimeDownloadFailed", error.ErrorId);
        Assert.DoesNotContain("s3cret", error.Message + error.Target);
        Assert.DoesNotContain("t0ken", error.Message + error.Target);
    }

    [Theory]
    [InlineData("https://user:pass@feed.example/v3/index.json", "https://***@feed.example/v3/index.json")]
    [InlineData("https://feed.example/v3/index.json?sv=1&sig=abc", "https://feed.example/v3/index.json?sv=***&sig=***")]
    [InlineData("https://feed.example/v3/index.json", "https://feed.example/v3/index.json")]
    public void Addresses_are_shown_without_credentials(string address, string shown) =>
        Assert.Equal(shown, WebAddress.Shown(new Uri(address)));
}
