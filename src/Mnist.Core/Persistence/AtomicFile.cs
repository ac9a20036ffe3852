using System.Diagnostics;

namespace Mnist.Core.Persistence;

/// <summary>Writes a file by writing a temporary file beside it and moving that into place.</summary>
public static class AtomicFile
{
    /// <summary>Temporary files end in this, after the target's name and the writing process's id: '.name.PID.RANDOM.mnist-tmp'.</summary>
    public const string TemporarySuffix = ".mnist-tmp";

    /// <summary>
    /// What a temporary name adds to the target's: '.', '.PID' (up to 10 digits), '.' and 12 random hex digits, the
    /// suffix. A target name longer than the platform's limit less this is shortened in its temporary name (never in
    /// the target), so every name the file system accepts can be written.
    /// </summary>
    private const int TemporaryOverhead = 1 + 11 + 13 + 10;

    /// <summary>
    /// Runs <paramref name="write"/> against a temporary file in the target's folder, flushes it to disk, then moves
    /// it into place: over the target with <paramref name="overwrite"/> (a regular file only), else only if there
    /// is still nothing there at that instant, so two writers racing for one new path never both succeed. If
    /// anything throws, the target is untouched and the temporary file is removed; a temporary file left by a
    /// killed writer of the same target is removed first.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        var full = CheckTarget(path, overwrite);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        var name = System.IO.Path.GetFileName(full);
        RemoveStaleTemporaries(full);
        var temporary = TemporaryPathFor(full);
        try
        {
            FileStream stream;
            try
            {
                stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw NotWritable(folder, path, e);
            }
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (overwrite)
            {
                CheckReplaceable(full, path);
                File.Move(temporary, full, overwrite: true);
            }
            else if (!FileSystemNative.MoveNoReplace(temporary, full))
            {
                throw Exists(full, path);
            }
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// Everything that can be known about a target before any work: a file name (not a folder), an existing
    /// folder that can be written to, and nothing there but (with <paramref name="overwrite"/>) a regular file.
    /// Returns the full path.
    /// </summary>
    public static string CheckTarget(string path, bool overwrite)
    {
        PathChecks.Validate(path);
        var full = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.EndsInDirectorySeparator(path) || System.IO.Path.EndsInDirectorySeparator(full))
            throw new MnistException("PathIsFolder", MnistErrorKind.InvalidArgument, $"'{path}' names a folder; give a file name.", path);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (FileSystemNative.KindOf(folder) != FileKind.Directory)
            throw new MnistException("FolderNotFound", MnistErrorKind.NotFound, $"Folder '{folder}' does not exist.", path);
        switch (FileSystemNative.KindOf(full))
        {
            case FileKind.Directory:
                throw new MnistException("PathIsFolder", MnistErrorKind.InvalidArgument, $"'{full}' is a folder; give a file name.", path);
            case FileKind.Other:
                throw NotAFile(full, path);
            case FileKind.Regular when !overwrite:
                throw Exists(full, path);
        }
        if (!CanWriteIn(folder)) throw NotWritable(folder, path, null);
        return full;
    }

    private static void CheckReplaceable(string full, string path)
    {
        var kind = FileSystemNative.KindOf(full);
        if (kind == FileKind.Directory)
            throw new MnistException("PathIsFolder", MnistErrorKind.InvalidArgument, $"'{full}' is a folder; give a file name.", path);
        if (kind == FileKind.Other) throw NotAFile(full, path);
    }

    /// <summary>A recognisable temporary file beside <paramref name="target"/>, named after it and this process.</summary>
    public static string TemporaryPathFor(string target)
    {
        var full = System.IO.Path.GetFullPath(target);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
            $".{Stem(System.IO.Path.GetFileName(full))}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..12]}{TemporarySuffix}");
    }

    /// <summary>The part of a target's name its temporary files carry: all of it, unless that would make them too long.</summary>
    private static string Stem(string name) => PathChecks.Truncate(name, PathChecks.MaxNameLength - TemporaryOverhead);

    /// <summary>Temporary files of this target whose writer (by the process id in their name) is no longer running.</summary>
    public static void RemoveStaleTemporaries(string target)
    {
        var full = System.IO.Path.GetFullPath(target);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        var name = Stem(System.IO.Path.GetFileName(full));
        if (!Directory.Exists(folder)) return;
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(folder, $".{name}.*{TemporarySuffix}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var candidate in candidates)
        {
            var parts = System.IO.Path.GetFileName(candidate)[(name.Length + 2)..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out var pid) || IsRunning(pid)) continue;
            try { File.Delete(candidate); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
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
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool CanWriteIn(string folder)
    {
        var probe = System.IO.Path.Combine(folder, $".mnist-probe.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static MnistException Exists(string full, string path) =>
        new("FileExists", MnistErrorKind.AlreadyExists, $"'{full}' already exists and is not overwritten unless that is asked for.", path);

    private static MnistException NotAFile(string full, string path) =>
        new("TargetNotAFile", MnistErrorKind.InvalidArgument,
            $"'{full}' is not a regular file (a device, FIFO or socket); it is never replaced, even when overwriting is asked for.", path);

    private static MnistException NotWritable(string folder, string path, Exception? inner) =>
        new("FolderNotWritable", MnistErrorKind.PermissionDenied, $"Folder '{folder}' cannot be written to.", path, inner);
}
