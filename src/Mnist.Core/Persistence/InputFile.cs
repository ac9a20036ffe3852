using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mnist.Core.Persistence;

/// <summary>
/// Opens a file the module reads (model files, ONNX, PyTorch, pictures, IDX, npz, runtime packages) only if it is a
/// regular file. A FIFO opened for reading blocks in open(2) until a writer appears (forever, and Ctrl+C cannot
/// interrupt a thread blocked in a system call); a device or socket is no data at all. On Linux the file is opened
/// with O_NONBLOCK (which makes open return at once for a FIFO) and its type is read from the open descriptor, so
/// nothing can be swapped in between; elsewhere its type is checked just before it is opened.
/// </summary>
public static partial class InputFile
{
    /// <summary>
    /// A read-only stream over <paramref name="path"/>; a folder, missing file or non-regular file throws
    /// <see cref="MnistException"/> with <paramref name="errorId"/> (not-a-file) naming the path.
    /// </summary>
    public static FileStream OpenRead(string path, string errorId = "InputNotAFile", int bufferSize = 1 << 16)
    {
        RequireRegular(path, errorId);
        if (OperatingSystem.IsLinux()) return OpenNonBlocking(path, errorId, bufferSize);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
    }

    /// <summary>The whole of a small regular file (callers check its length first).</summary>
    public static byte[] ReadAllBytes(string path, string errorId = "InputNotAFile")
    {
        using var stream = OpenRead(path, errorId);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Throws unless <paramref name="path"/> is (or links to) a regular file; missing files are left to the caller's open.</summary>
    public static void RequireRegular(string path, string errorId = "InputNotAFile")
    {
        PathChecks.Validate(path);
        var kind = FileSystemNative.KindOf(path, followLinks: true);
        if (kind == FileKind.Other) throw NotAFile(path, errorId);
    }

    private static FileStream OpenNonBlocking(string path, string errorId, int bufferSize)
    {
        int fd;
        try
        {
            fd = open(path, ORdOnly | ONonBlock | OCloExec);
        }
        catch (EntryPointNotFoundException)
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
        }
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            // Let .NET raise its usual exception (FileNotFound, UnauthorizedAccess, ...) for an ordinary failure.
            if (error is not (ENXIO or EINTR))
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
            throw NotAFile(path, errorId);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (FileSystemNative.KindOf(handle) != FileKind.Regular)
        {
            handle.Dispose();
            throw NotAFile(path, errorId);
        }
        fcntl(fd, FSetFl, ORdOnly); // a regular file: back to ordinary blocking reads
        try
        {
            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public static MnistException NotAFile(string path, string errorId = "InputNotAFile") =>
        new(errorId, MnistErrorKind.InvalidArgument,
            $"'{path}' is not a regular file (a FIFO, device or socket); only files are read.", path);

    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000, FSetFl = 4;
    private const int EINTR = 4, ENXIO = 6;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
