namespace Mnist.Core.Persistence;

/// <summary>Writes a file by writing a temporary file beside it and moving that into place.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> against a temporary file in the target's folder, flushes it to disk, then
    /// renames it over the target. If anything throws, the target is untouched and the temporary file is removed.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        var full = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new MnistException("FolderNotFound", MnistErrorKind.NotFound, $"Folder '{folder}' does not exist.", path);
        if (!overwrite && File.Exists(full))
            throw new MnistException("FileExists", MnistErrorKind.AlreadyExists, $"'{full}' already exists; use -Force to overwrite it.", path);
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
