namespace Mnist.Core.Runtime;

/// <summary>
/// A folder of .nupkg files, for offline and air-gapped machines: flat (&lt;id&gt;.&lt;version&gt;.nupkg) or hierarchical
/// (&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.&lt;version&gt;.nupkg, the layout of the NuGet cache and of NuGet's local feeds).
/// </summary>
public sealed class FolderPackageSource : IPackageSource
{
    private readonly string _folder;

    public FolderPackageSource(string folder) => _folder = folder;

    public string Name => _folder;

    public PackageStream Open(RuntimePackage package, CancellationToken cancellation)
    {
        var path = Locate(package) ?? throw new MnistException("RuntimePackageNotFound", MnistErrorKind.NotFound,
            $"The folder '{_folder}' has no {package.FileName} (nor {package.Id}/{package.Version}/{package.FileName}).", _folder);
        var stream = Persistence.InputFile.OpenRead(path);
        return new PackageStream(stream, stream.Length);
    }

    private string? Locate(RuntimePackage package)
    {
        foreach (var folder in new[] { _folder, Path.Combine(_folder, package.Id, package.Version) })
        {
            if (!Directory.Exists(folder)) continue;
            var match = Directory.EnumerateFiles(folder, "*.nupkg")
                .FirstOrDefault(f => string.Equals(Path.GetFileName(f), package.FileName, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return match;
        }
        return null;
    }
}
