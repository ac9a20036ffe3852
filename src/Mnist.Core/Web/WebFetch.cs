using System.Net;
using System.Net.Http.Headers;

namespace Mnist.Core.Web;

/// <summary>
/// Why a fetch from one address failed, in words that follow the address ("sent nothing for 30 s"); the caller names
/// the address, then falls over to the next or reports it with its own error id.
/// </summary>
public sealed class WebFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// GET requests whose every wait is bounded and cancellable: the headers must arrive within the timeout, each read
/// of the body must return within it (<see cref="DeadlineStream"/>), and Ctrl+C (the token) ends any wait at once.
/// Redirects are followed here (the handler's own following is off) so that each target is checked: only http(s),
/// never from https down to http, at most <see cref="MaxRedirects"/>.
/// </summary>
public static class WebFetch
{
    public const int MaxRedirects = 5;

    /// <summary>A client that follows no redirects itself and has no overall timeout (each wait has its own).</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// The response to GET <paramref name="url"/> after redirects, headers read, body not yet. A non-success status is
    /// returned as it is (the caller decides what a 404 means). Throws <see cref="WebFetchException"/> for a timeout,
    /// a refused redirect or a connection failure; <see cref="OperationCanceledException"/> when <paramref name="cancel"/> fires.
    /// </summary>
    public static HttpResponseMessage Get(HttpClient http, Uri url, TimeSpan timeout, CancellationToken cancel, AuthenticationHeaderValue? authorization = null)
    {
        var current = url;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (authorization is not null && SameOrigin(current, url)) request.Headers.Authorization = authorization;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            HttpResponseMessage response;
            try
            {
                response = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new WebFetchException($"sent nothing for {timeout.TotalSeconds:0.#} s{Via(current, url)} (no answer to the request)");
            }
            catch (HttpRequestException e)
            {
                throw new WebFetchException($"cannot be reached{Via(current, url)}: {e.Message}", e);
            }
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null) return response;
            var location = response.Headers.Location;
            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (!WebAddress.IsWeb(next))
                throw new WebFetchException($"redirects{Via(current, url)} to '{WebAddress.Shown(next)}', which is not an http(s) address");
            if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                throw new WebFetchException($"redirects{Via(current, url)} from https down to http ('{WebAddress.Shown(next)}')");
            if (hop >= MaxRedirects)
                throw new WebFetchException($"redirects more than {MaxRedirects} times");
            current = next;
        }
    }

    /// <summary>Where a redirected request was when it failed, if not at the address asked for.</summary>
    private static string Via(Uri current, Uri asked) => current == asked ? "" : $" (redirected to '{WebAddress.Shown(current)}')";

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>Basic credentials from an address's user-info (user:token@host), which HttpClient would otherwise ignore.</summary>
    public static AuthenticationHeaderValue? CredentialsOf(Uri url)
    {
        if (url.UserInfo.Length == 0) return null;
        var info = Uri.UnescapeDataString(url.UserInfo);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(info)));
    }

    /// <summary><paramref name="url"/> without its user-info, as it is requested (the credentials go in a header).</summary>
    public static Uri WithoutUserInfo(Uri url) =>
        url.UserInfo.Length == 0 ? url : new UriBuilder(url) { UserName = "", Password = "" }.Uri;
}
