using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Mnist.Core.Runtime;

/// <summary>
/// Installs the pinned runtime for one platform into &lt;home&gt;/&lt;label&gt;/&lt;rid&gt;. Each package is copied from the source
/// into a staging folder beside the target while its SHA-512 is computed, checked against the pin, and only then
/// opened; only that platform's natives are extracted. The staging folder becomes the runtime by one rename, so a
/// killed install leaves no half runtime (its staging folder is removed by the next install), and an exclusive
/// lock file serialises installs: a second session waits, then finds the runtime there.
/// </summary>
public sealed class RuntimeInstaller
{
    /// <summary>Files libtorch's packages ship that a CPU runtime never loads (Python bindings, test backends).</summary>
    private static readonly string[] NotNeeded = { "torch_python", "_test", "backend_with_compiler", "aoti_custom_ops", "nnapi_backend" };
    private const long MaxEntryBytes = 2L << 30;
    private const long MaxPackageBytes = 1L << 30;

    private readonly IPackageSource _source;
    private readonly string _home;
    private readonly RuntimePins _pins;

    public RuntimeInstaller(IPackageSource source, string home, RuntimePins pins)
    {
        _source = source;
        _home = home;
        _pins = pins;
    }

    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public RuntimeInfo Install(string rid, bool force, IProgress<RuntimeInstallProgress>? progress, CancellationToken cancellation)
    {
        var packages = _pins.PackagesFor(rid);
        var parent = Path.Combine(_home, _pins.Label);
        var target = Path.Combine(parent, rid);
        // A failed or cancelled install leaves nothing: no lock file, and no (versioned) folder this call created, if empty.
        var created = FoldersToCreate(Path.GetFullPath(parent));
        Directory.CreateDirectory(parent);
        var lockPath = Path.Combine(parent, $".install-{rid}.lock");
        bool done = false;
        try
        {
            using var installLock = AcquireLock(lockPath, progress, cancellation);
            try
            {
                var info = InstallLocked(rid, force, packages, parent, target, progress, cancellation);
                done = true;
                return info;
            }
            finally
            {
                // Removed while still held; a waiting install then finds its open file unlinked and opens the path anew (see AcquireLock).
                ReleaseLockFile(lockPath);
            }
        }
        finally
        {
            if (!done) RemoveIfEmpty(created);
        }
    }

    private RuntimeInfo InstallLocked(string rid, bool force, IReadOnlyList<RuntimePackage> packages, string parent, string target,
        IProgress<RuntimeInstallProgress>? progress, CancellationToken cancellation)
    {
        RemoveLeftovers(parent, rid);
        if (!force && RuntimeLocation.IsInstalled(target))
        {
            progress?.Report(new RuntimeInstallProgress("Already installed", 1, 1, IsFinal: true));
            return RuntimeInfo.Read(rid, target, wasPresent: true);
        }

        var staging = Path.Combine(parent, $".staging-{rid}-{Guid.NewGuid():N}");
        try
        {
            var files = Path.Combine(staging, rid);
            Directory.CreateDirectory(files);
            foreach (var package in packages)
            {
                var nupkg = Path.Combine(staging, package.FileName);
                Download(package, nupkg, progress, cancellation);
                Extract(package, nupkg, rid, files, progress, cancellation);
                File.Delete(nupkg);
            }
            if (rid.StartsWith("linux", StringComparison.Ordinal))
            {
                progress?.Report(new RuntimeInstallProgress($"Marking {WeakVersionNeed.DebianVersion} weak in libLibTorchSharp.so", 0, null));
                WeakVersionNeed.Apply(Path.Combine(files, NativeLibraryNames.FileName("LibTorchSharp", rid)));
            }
            var record = new RuntimeRecord(rid, _source.Name, DateTimeOffset.UtcNow, packages);
            File.WriteAllText(Path.Combine(files, RuntimeLocation.MarkerFile), JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
            cancellation.ThrowIfCancellationRequested();
            Publish(files, target, parent);
        }
        finally
        {
            TryDelete(staging);
        }
        progress?.Report(new RuntimeInstallProgress("Installed", 1, 1, IsFinal: true));
        return RuntimeInfo.Read(rid, target);
    }

    private static void Publish(string files, string target, string parent)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(files, target);
            return;
        }
        // -Force over an existing runtime: move the old one aside first, so the target is never half of each.
        var old = Path.Combine(parent, $".old-{Path.GetFileName(target)}-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        Directory.Move(files, target);
        TryDelete(old);
    }

    private void Download(RuntimePackage package, string destination, IProgress<RuntimeInstallProgress>? progress, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        using (var input = _source.Open(package, cancellation))
        using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            if (input.Length > MaxPackageBytes) throw TooLarge(package);
            var buffer = new byte[1 << 20];
            long done = 0;
            int read;
            var status = $"Copying {package.Id} {package.Version} from {_source.Name}";
            while ((read = input.Content.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                done += read;
                if (done > MaxPackageBytes) throw TooLarge(package);
                hash.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
                progress?.Report(new RuntimeInstallProgress(status, done, input.Length));
            }
        }
        var actual = Convert.ToBase64String(hash.GetHashAndReset());
        if (actual != package.Sha512)
            throw new MnistException("RuntimePackageHashMismatch", MnistErrorKind.InvalidData,
                $"{package.FileName} from '{_source.Name}' has SHA-512 {actual}, but the module pins {package.Sha512}; nothing was installed.",
                package.FileName);
    }

    private static void Extract(RuntimePackage package, string nupkg, string rid, string destination, IProgress<RuntimeInstallProgress>? progress, CancellationToken cancellation)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var wanted = zip.Entries.Where(e => IsWanted(e, rid)).ToList();
        if (package.Id.StartsWith(RuntimePins.LibTorchPrefix, StringComparison.Ordinal) && wanted.Count == 0 || package.Id == RuntimePins.GluePackage && wanted.Count == 0)
            throw new MnistException("RuntimeFileInvalid", MnistErrorKind.InvalidData, $"{package.FileName} holds no natives for {rid}.", package.FileName);
        long total = wanted.Sum(e => e.Length), done = 0;
        var status = $"Extracting {package.Id} {package.Version}";
        foreach (var entry in wanted)
        {
            if (entry.Length > MaxEntryBytes) throw TooLarge(package);
            var name = Path.GetFileName(entry.FullName);
            var path = Path.Combine(destination, name);
            using (var input = entry.Open())
            using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 20];
                int read;
                long written = 0;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    written += read;
                    if (written > entry.Length) throw TooLarge(package);
                    output.Write(buffer, 0, read);
                    progress?.Report(new RuntimeInstallProgress(status, done + written, total));
                }
            }
            done += entry.Length;
            if (!OperatingSystem.IsWindows() && !name.EndsWith(".txt", StringComparison.Ordinal))
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>runtimes/&lt;rid&gt;/native/&lt;file&gt; (no deeper), less what a CPU runtime never loads; and the package's licence.</summary>
    private static bool IsWanted(ZipArchiveEntry entry, string rid) => IsWanted(entry.FullName, rid);

    internal static bool IsWanted(string name, string rid)
    {
        if (name.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) && !name.Contains('/'))
            return name.Length < 64;
        var prefix = $"runtimes/{rid}/native/";
        if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var file = name[prefix.Length..];
        // Windows takes '\\' as a separator and "C:name" as a path on drive C, so neither may reach Path.Combine.
        if (file.Length == 0 || file.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || file is "." or "..") return false;
        return !NotNeeded.Any(part => file.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The folders of <paramref name="folder"/>'s path that do not exist yet, innermost first.</summary>
    private static List<string> FoldersToCreate(string folder)
    {
        var missing = new List<string>();
        for (var current = folder; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
            missing.Add(current);
        return missing;
    }

    private static void RemoveIfEmpty(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static void ReleaseLockFile(string path)
    {
        // Where the lock cannot be checked against the path (see AcquireLock), the file stays: removing it could let two installs hold two files.
        if (Persistence.FileSystemNative.Identity(path) is null) return;
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// An exclusive lock on <paramref name="path"/>; the holder removes the file when it is done. A lock taken on a
    /// file that was meanwhile removed (its holder finished) is worth nothing, so after locking, the open file must
    /// still be the one at the path (same device and inode), else it is opened again.
    /// </summary>
    private static FileStream AcquireLock(string path, IProgress<RuntimeInstallProgress>? progress, CancellationToken cancellation)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var held = Persistence.FileSystemNative.Identity(stream.SafeFileHandle);
                if (held is null || held == Persistence.FileSystemNative.Identity(path)) return stream;
                stream.Dispose();
                continue;
            }
            catch (IOException) when (waited.Elapsed < LockTimeout)
            {
                progress?.Report(new RuntimeInstallProgress("Waiting for another install of the runtime to finish", 0, null));
                cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
                cancellation.ThrowIfCancellationRequested();
            }
            catch (IOException e)
            {
                throw new MnistException("RuntimeInstallBusy", MnistErrorKind.ResourceUnavailable,
                    $"Another install has held '{path}' for {LockTimeout.TotalMinutes:0} minutes.", path, e);
            }
        }
    }

    /// <summary>Under the lock nobody else is installing: any staging or set-aside folder is left from a killed install.</summary>
    private static void RemoveLeftovers(string parent, string rid)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith($".staging-{rid}-", StringComparison.Ordinal) || name.StartsWith($".old-{rid}-", StringComparison.Ordinal)) TryDelete(folder);
        }
        var target = Path.Combine(parent, rid);
        if (Directory.Exists(target) && !RuntimeLocation.IsInstalled(target)) TryDelete(target);
    }

    private static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static MnistException TooLarge(RuntimePackage package) =>
        new("RuntimeFileInvalid", MnistErrorKind.LimitsExceeded, $"{package.FileName} is larger than any runtime package can be; nothing was installed.", package.FileName);
}
