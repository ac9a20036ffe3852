namespace Mnist.Core.Runtime;

/// <summary>Where runtime packages come from: a NuGet v3 feed or a folder of .nupkg files.</summary>
public interface IPackageSource
{
    /// <summary>What to call the source in messages and in the runtime's record.</summary>
    string Name { get; }

    /// <summary>Opens a package's .nupkg; the length, when known, drives progress.</summary>
    PackageStream Open(RuntimePackage package, CancellationToken cancellation);
}

public sealed record PackageStream(Stream Content, long? Length) : IDisposable
{
    public void Dispose() => Content.Dispose();
}

public static class PackageSources
{
    /// <summary>The public NuGet feed's v3 service index: the only place the module names it.</summary>
    public const string DefaultFeed = "https://api.nuget.org/v3/index.json";

    /// <summary>A feed URL (http or https) or a folder; a folder may be flat or laid out as &lt;id&gt;/&lt;version&gt;/ like the NuGet cache.</summary>
    public static IPackageSource From(string source, HttpClient? http = null)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && Web.WebAddress.IsWeb(uri))
            return new NuGetFeedSource(uri, http ?? SharedHttp.Value);
        if (uri is { IsFile: true }) source = uri.LocalPath;
        var shown = Web.WebAddress.Shown(source);
        if (Persistence.PathChecks.Problem(source) is { } problem)
            throw new MnistException("RuntimeSourceNotFound", MnistErrorKind.InvalidArgument, $"The package source '{Persistence.PathChecks.Shown(shown)}' {problem}.", shown);
        if (!Directory.Exists(source))
            throw new MnistException("RuntimeSourceNotFound", MnistErrorKind.NotFound,
                $"The package source '{shown}' is neither an http(s) NuGet v3 feed nor an existing folder of .nupkg files.", shown);
        return new FolderPackageSource(Path.GetFullPath(source));
    }

    private static readonly Lazy<HttpClient> SharedHttp = new(Web.WebFetch.CreateClient);
}
