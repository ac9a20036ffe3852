using System.Diagnostics;
using Mnist.Core.Persistence;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Writes a set of files under a folder so that a failure or Ctrl+C leaves nothing half-written: every file is
/// written into a temporary folder beside the target (named '.target.PID.GUID.mnist-tmp'), and only once all are
/// complete is that folder renamed to the target (when there was none) or its files moved into the existing target.
/// Existing files are refused before anything is written unless overwriting is allowed.
/// </summary>
public static class FolderStaging
{
    public static void Write(string root, IReadOnlyList<PlannedFile> files, bool overwrite, Action<int, string> advanced, CancellationToken cancel)
    {
        var parent = Path.GetDirectoryName(root) ?? throw new MnistException("ExportTargetNotAFolder", MnistErrorKind.InvalidArgument,
            $"'{root}' is the root of the file system; export into a folder below it.", root);
        if (FileSystemNative.KindOf(parent) != FileKind.Directory)
            throw new MnistException("FolderNotFound", MnistErrorKind.NotFound, $"Folder '{parent}' does not exist.", root);
        var rootKind = FileSystemNative.KindOf(root);
        if (rootKind is not (FileKind.Directory or FileKind.Missing))
            throw new MnistException("ExportTargetNotAFolder", MnistErrorKind.InvalidArgument,
                $"'{root}' exists and is not a folder; this format writes a folder of files.", root);
        bool intoExisting = rootKind == FileKind.Directory;
        if (intoExisting) CheckTargets(root, files, overwrite);

        RemoveStaleStaging(root);
        var staging = Path.Combine(parent, $".{Path.GetFileName(root)}.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        try
        {
            try
            {
                Directory.CreateDirectory(staging);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new MnistException("FolderNotWritable", MnistErrorKind.PermissionDenied, $"Folder '{parent}' cannot be written to.", root, e);
            }
            foreach (var file in files)
            {
                cancel.ThrowIfCancellationRequested();
                var path = Path.Combine(staging, file.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                file.Write(stream, n => advanced(n, file.RelativePath), cancel);
                stream.Flush(flushToDisk: file.Durable);
            }
            cancel.ThrowIfCancellationRequested();
            if (!intoExisting && FileSystemNative.MoveNoReplace(staging, root)) return;
            if (!intoExisting)
                throw new MnistException("FileExists", MnistErrorKind.AlreadyExists, $"'{root}' appeared while the export was written; nothing was changed.", root);
            MoveInto(staging, root, files, overwrite);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static void CheckTargets(string root, IReadOnlyList<PlannedFile> files, bool overwrite)
    {
        foreach (var file in files)
        {
            var target = Path.Combine(root, file.RelativePath);
            switch (FileSystemNative.KindOf(target))
            {
                case FileKind.Missing:
                    continue;
                case FileKind.Regular when overwrite:
                    continue;
                case FileKind.Regular:
                    throw new MnistException("FileExists", MnistErrorKind.AlreadyExists,
                        $"'{target}' already exists; use -Force to overwrite it (nothing was written).", target);
                default:
                    throw new MnistException("TargetNotAFile", MnistErrorKind.InvalidArgument,
                        $"'{target}' is not a regular file (a folder, device, FIFO or socket); it is never replaced, even with -Force.", target);
            }
        }
    }

    /// <summary>Moves the complete files into an existing folder: renames within one file system, so each is whole.</summary>
    private static void MoveInto(string staging, string root, IReadOnlyList<PlannedFile> files, bool overwrite)
    {
        foreach (var file in files)
        {
            var source = Path.Combine(staging, file.RelativePath);
            var target = Path.Combine(root, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (overwrite && FileSystemNative.KindOf(target) is FileKind.Regular or FileKind.Missing)
                File.Move(source, target, overwrite: true);
            else if (!FileSystemNative.MoveNoReplace(source, target))
                throw new MnistException("FileExists", MnistErrorKind.AlreadyExists, $"'{target}' already exists; use -Force to overwrite it.", target);
        }
    }

    /// <summary>Temporary folders of this target left by an export whose process (by the id in the name) has ended.</summary>
    private static void RemoveStaleStaging(string root)
    {
        var parent = Path.GetDirectoryName(root)!;
        var name = Path.GetFileName(root);
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(parent, $".{name}.*{AtomicFile.TemporarySuffix}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var candidate in candidates)
        {
            var parts = Path.GetFileName(candidate)[(name.Length + 2)..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out var pid) || IsRunning(pid)) continue;
            try { Directory.Delete(candidate, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
