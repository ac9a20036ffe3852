using System.Text;

namespace Mnist.Core.Web;

/// <summary>
/// Addresses of mirrors and feeds: only absolute http(s) addresses are fetched, and they are shown (in messages,
/// records, progress, verbose output) without their credentials: the user-info part (user:token@) and the value of
/// every query parameter (a signed ?sig=...) become ***.
/// </summary>
public static class WebAddress
{
    public const string Hidden = "***";

    /// <summary>An absolute http(s) address, or null with the reason.</summary>
    public static Uri? Parse(string text, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.IsFile && !text.Contains("://", StringComparison.Ordinal))
        {
            problem = "it is not an absolute http(s) address";
            return null;
        }
        if (!IsWeb(uri))
        {
            problem = $"its scheme '{uri.Scheme}' is not http or https";
            return null;
        }
        return uri;
    }

    public static bool IsWeb(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The address as it may be shown or stored.</summary>
    public static string Shown(Uri uri)
    {
        if (!uri.IsAbsoluteUri) return uri.OriginalString;
        if (uri.UserInfo.Length == 0 && uri.Query.Length == 0) return uri.ToString();
        var builder = new UriBuilder(uri) { UserName = "", Password = "" };
        if (uri.UserInfo.Length > 0) builder.UserName = Hidden;
        if (uri.Query.Length > 1) builder.Query = HideQueryValues(uri.Query[1..]);
        // UriBuilder escapes the stars; show them as typed.
        return builder.Uri.ToString().Replace("%2A%2A%2A", Hidden, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A string that may be an address: shown without credentials if it is one, else as given.</summary>
    public static string Shown(string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && !uri.IsFile) return Shown(uri);
        return text;
    }

    /// <summary>Every address in <paramref name="text"/> (a message that quotes some) shown without credentials.</summary>
    public static string Scrub(string text, IEnumerable<Uri> addresses)
    {
        foreach (var address in addresses)
            if (address.IsAbsoluteUri && (address.UserInfo.Length > 0 || address.Query.Length > 1))
                text = text.Replace(address.ToString(), Shown(address), StringComparison.Ordinal)
                           .Replace(address.OriginalString, Shown(address), StringComparison.Ordinal);
        return text;
    }

    private static string HideQueryValues(string query)
    {
        var builder = new StringBuilder();
        foreach (var part in query.Split('&'))
        {
            if (builder.Length > 0) builder.Append('&');
            int equals = part.IndexOf('=');
            builder.Append(equals < 0 ? part : part[..(equals + 1)] + Hidden);
        }
        return builder.ToString();
    }
}
