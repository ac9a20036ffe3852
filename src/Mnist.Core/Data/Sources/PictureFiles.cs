using Mnist.Core.Persistence;

namespace Mnist.Core.Data.Sources;

/// <summary>Which files are pictures, and reading one safely: a regular file, of a sane size, read whole once.</summary>
public static class PictureFiles
{
    /// <summary>The extensions read as pictures (what SkiaSharp decodes); every other file in a class folder is skipped.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp",
    };

    public static bool IsPictureName(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// The file's bytes. Refuses what is not a regular file (a FIFO would block the open forever, a device would never
    /// end) and files larger than <see cref="InputLimits.MaxPictureBytes"/> (a sparse 10 GB file named .png),
    /// before reading them; on Linux the type is checked on the opened descriptor (<see cref="InputFile"/>).
    /// </summary>
    public static byte[] ReadBounded(string path)
    {
        if (!IsRegularFile(path))
            throw new MnistException("ImageNotRegularFile", MnistErrorKind.InvalidData,
                $"'{path}' is not a regular file (a pipe, device or socket, or a link to one); pictures are read from regular files only.", path);
        try
        {
            using var stream = InputFile.OpenRead(path, "ImageNotRegularFile", bufferSize: 1);
            long length = stream.Length;
            if (length > InputLimits.MaxPictureBytes)
                throw new MnistException("ImageTooLarge", MnistErrorKind.LimitsExceeded,
                    $"The picture '{path}' is {length:N0} bytes; picture files up to {InputLimits.MaxPictureBytes / (1 << 20)} MB are read.", path);
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
                throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData, $"The picture '{path}' grew while it was read.", path);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("ImageUnreadable", MnistErrorKind.InvalidData, $"The picture '{path}' cannot be read: {e.Message}", path, e);
        }
    }

    /// <summary>A regular file, or a link whose final target is one.</summary>
    public static bool IsRegularFile(string path)
    {
        var kind = FileSystemNative.KindOf(path);
        if (kind != FileKind.Regular) return false;
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return true;
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is FileInfo && FileSystemNative.KindOf(target.FullName) == FileKind.Regular && target.Exists;
    }
}
