using System.Net;
using System.Text.Json;

namespace Mnist.Core.Runtime;

/// <summary>
/// A NuGet v3 feed: the service index names the flat container ("PackageBaseAddress/3.0.0"), which serves
/// &lt;base&gt;/&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.&lt;version&gt;.nupkg in lower case.
/// </summary>
public sealed class NuGetFeedSource : IPackageSource
{
    private const int MaxIndexBytes = 4 << 20;
    private readonly Uri _index;
    private readonly HttpClient _http;
    private Uri? _baseAddress;

    public NuGetFeedSource(Uri index, HttpClient http)
    {
        _index = index;
        _http = http;
    }

    public string Name => _index.ToString();

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
            throw new MnistException("RuntimePackageNotFound", MnistErrorKind.NotFound, $"The feed '{_index}' has no {package.Id} {package.Version} ({url}).", url);
        }
        EnsureSuccess(response, url);
        return new PackageStream(response.Content.ReadAsStream(cancellation), response.Content.Headers.ContentLength);
    }

    private Uri FindBaseAddress(CancellationToken cancellation)
    {
        using var response = Send(_index, cancellation);
        EnsureSuccess(response, _index);
        if (response.Content.Headers.ContentLength > MaxIndexBytes) throw BadIndex("it is too large");
        using var stream = response.Content.ReadAsStream(cancellation);
        using var limited = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            limited.Write(buffer, 0, read);
            if (limited.Length > MaxIndexBytes) throw BadIndex("it is too large");
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
                if (Uri.TryCreate(_index, address, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw BadIndex("it is not a NuGet v3 service index", e);
        }
        throw BadIndex("it names no PackageBaseAddress/3.0.0 resource");
    }

    private HttpResponseMessage Send(Uri url, CancellationToken cancellation)
    {
        try
        {
            return _http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new MnistException("RuntimeDownloadFailed", MnistErrorKind.ResourceUnavailable, $"Could not reach '{url}': {e.Message}", url, e);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, Uri url)
    {
        if (response.IsSuccessStatusCode) return;
        response.Dispose();
        throw new MnistException("RuntimeDownloadFailed", MnistErrorKind.ResourceUnavailable,
            $"'{url}' answered {(int)response.StatusCode} {response.ReasonPhrase}.", url);
    }

    private MnistException BadIndex(string why, Exception? inner = null) =>
        new("RuntimeSourceInvalid", MnistErrorKind.InvalidData, $"The feed index '{_index}' cannot be used: {why}.", _index, inner);
}
