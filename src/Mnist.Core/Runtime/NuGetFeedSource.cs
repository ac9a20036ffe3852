using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mnist.Core.Web;

namespace Mnist.Core.Runtime;

/// <summary>
/// A NuGet v3 feed: the service index names the flat container ("PackageBaseAddress/3.0.0"), which serves
/// &lt;base&gt;/&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.&lt;version&gt;.nupkg in lower case. Every wait (headers, each read of the index or a
/// package) is bounded by the timeout and ends on cancellation; redirects go to http(s) only; credentials in the
/// feed's address (user:token@, a signed query) are sent but never shown or stored (<see cref="Name"/> hides them).
/// </summary>
public sealed class NuGetFeedSource : IPackageSource
{
    private const int MaxIndexBytes = 4 << 20;
    private readonly Uri _index;
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue? _credentials;
    private Uri? _baseAddress;

    /// <param name="timeout">How long the feed may stay silent: $env:MNIST_DOWNLOAD_TIMEOUT seconds, else 30 s.</param>
    public NuGetFeedSource(Uri index, HttpClient http, TimeSpan? timeout = null)
    {
        _credentials = WebFetch.CredentialsOf(index);
        _index = WebFetch.WithoutUserInfo(index);
        _http = http;
        Timeout = timeout ?? EnvironmentSettings.Timeout(Data.MnistDownloader.TimeoutVariable);
        Name = WebAddress.Shown(index);
    }

    /// <summary>The feed's address without its credentials: what messages and the runtime's record show.</summary>
    public string Name { get; }

    public TimeSpan Timeout { get; }

    public PackageStream Open(RuntimePackage package, CancellationToken cancellation)
    {
        var baseAddress = _baseAddress ??= FindBaseAddress(cancellation);
        var id = package.Id.ToLowerInvariant();
        var version = package.Version.ToLowerInvariant();
        var url = new Uri(baseAddress, $"{id}/{version}/{id}.{version}.nupkg");
        var response = Send(url, cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            throw new MnistException("RuntimePackageNotFound", MnistErrorKind.NotFound, $"The feed '{Name}' has no {package.Id} {package.Version} ({WebAddress.Shown(url)}).", WebAddress.Shown(url));
        }
        EnsureSuccess(response, url);
        var body = new DeadlineStream(response.Content.ReadAsStream(cancellation), Timeout, cancellation);
        return new PackageStream(new FailureNaming(body, url), response.Content.Headers.ContentLength);
    }

    private Uri FindBaseAddress(CancellationToken cancellation)
    {
        using var response = Send(_index, cancellation);
        EnsureSuccess(response, _index);
        if (response.Content.Headers.ContentLength > MaxIndexBytes) throw BadIndex("it is too large");
        using var stream = new DeadlineStream(response.Content.ReadAsStream(cancellation), Timeout, cancellation);
        using var limited = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        try
        {
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                limited.Write(buffer, 0, read);
                if (limited.Length > MaxIndexBytes) throw BadIndex("it is too large");
            }
        }
        catch (WebFetchException e)
        {
            throw DownloadFailed(e, _index);
        }
        try
        {
            using var document = JsonDocument.Parse(limited.ToArray());
            foreach (var resource in document.RootElement.GetProperty("resources").EnumerateArray())
            {
                var type = resource.GetProperty("@type").GetString() ?? "";
                if (!type.StartsWith("PackageBaseAddress/3.0.0", StringComparison.Ordinal)) continue;
                var address = resource.GetProperty("@id").GetString() ?? "";
                if (!address.EndsWith('/')) address += "/";
                if (Uri.TryCreate(_index, address, out var uri) && WebAddress.IsWeb(uri)) return uri;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw BadIndex("it is not a NuGet v3 service index", e);
        }
        throw BadIndex("it names no http(s) PackageBaseAddress/3.0.0 resource");
    }

    private HttpResponseMessage Send(Uri url, CancellationToken cancellation)
    {
        try
        {
            return WebFetch.Get(_http, url, Timeout, cancellation, _credentials);
        }
        catch (WebFetchException e)
        {
            throw DownloadFailed(e, url);
        }
    }

    private static MnistException DownloadFailed(WebFetchException e, Uri url) =>
        new("RuntimeDownloadFailed", MnistErrorKind.ResourceUnavailable, $"'{WebAddress.Shown(url)}' {e.Message}.", WebAddress.Shown(url), e);

    private static void EnsureSuccess(HttpResponseMessage response, Uri url)
    {
        if (response.IsSuccessStatusCode) return;
        response.Dispose();
        throw new MnistException("RuntimeDownloadFailed", MnistErrorKind.ResourceUnavailable,
            $"'{WebAddress.Shown(url)}' answered {(int)response.StatusCode} {response.ReasonPhrase}.", WebAddress.Shown(url));
    }

    private MnistException BadIndex(string why, Exception? inner = null) =>
        new("RuntimeSourceInvalid", MnistErrorKind.InvalidData, $"The feed index '{Name}' cannot be used: {why}.", Name, inner);

    /// <summary>A package body whose stall or break-off is the module's error naming the package's address.</summary>
    private sealed class FailureNaming(Stream inner, Uri url) : ReadOnlyWrapperStream(inner)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            try { return Inner.Read(buffer, offset, count); }
            catch (WebFetchException e) { throw DownloadFailed(e, url); }
        }
    }
}
