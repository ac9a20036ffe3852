using System.Diagnostics;
using Mnist.Core.Persistence;

namespace Mnist.Core.Data.Export;

/// <summary>
/// Writes a set of files under a folder so that a failure or Ctrl+C leaves nothing half-written: every file is
/// written into a temporary folder, and only once all are complete is that folder renamed to the target or its files
/// moved into it. A new target is staged beside it ('.target.PID.GUID.mnist-tmp') and renamed into place whole; an
/// existing one (which may be a link to another file system) is staged inside it ('.export.PID.GUID.mnist-tmp'), so
/// every move is a rename within one file system. Existing files are refused before anything is written unless
/// overwriting is allowed.
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

        var (stagingFolder, stagingName) = intoExisting ? (root, "export") : (parent, Path.GetFileName(root));
        RemoveStaleStaging(stagingFolder, stagingName);
        var staging = Path.Combine(stagingFolder, $".{stagingName}.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
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
            WriteAll(staging, files, advanced, cancel);
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

    /// <summary>
    /// Files made in memory (pictures) are made and written a batch at a time on every core; the others, and all
    /// progress, on this thread.
    /// </summary>
    private static void WriteAll(string staging, IReadOnlyList<PlannedFile> files, Action<int, string> advanced, CancellationToken cancel)
    {
        const int Batch = 512;
        var folders = new HashSet<string>(StringComparer.Ordinal);
        for (int start = 0; start < files.Count; start += Batch)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = files.Skip(start).Take(Batch).ToArray();
            foreach (var file in batch)
            {
                var folder = Path.GetDirectoryName(Path.Combine(staging, file.RelativePath))!;
                if (folders.Add(folder)) Directory.CreateDirectory(folder);
            }
            var small = batch.Where(f => f.Content is not null).ToArray();
            try
            {
                Parallel.ForEach(small, new ParallelOptions { CancellationToken = cancel }, file => WriteOne(staging, file, file.Content!(), null, cancel));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            foreach (var file in small) advanced(file.Images, file.RelativePath);
            foreach (var file in batch.Where(f => f.Content is null)) WriteOne(staging, file, null, n => advanced(n, file.RelativePath), cancel);
        }
    }

    private static void WriteOne(string staging, PlannedFile file, byte[]? content, Action<int>? advanced, CancellationToken cancel)
    {
        using var stream = new FileStream(Path.Combine(staging, file.RelativePath), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        if (content is not null) stream.Write(content);
        else file.Write(stream, advanced!, cancel);
        stream.Flush(flushToDisk: file.Durable);
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

    /// <summary>Temporary folders '.name.PID.GUID.mnist-tmp' in a folder, left by an export whose process has ended.</summary>
    private static void RemoveStaleStaging(string parent, string name)
    {
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
