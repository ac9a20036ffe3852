using System.Runtime.InteropServices;

namespace Mnist.Core.Persistence;

internal enum FileKind { Missing, Regular, Directory, Other }

/// <summary>
/// What a path is, without following a final symbolic link, and a rename that never replaces: the two things a
/// writer needs that .NET does not give. (.NET's File.Move(overwrite: false) on Unix checks with lstat and then
/// calls rename(2), which replaces whatever another writer created in between; and .NET has no notion of FIFOs
/// or device nodes, which rename(2) would silently replace with a regular file.)
/// </summary>
internal static partial class FileSystemNative
{
    /// <summary>What <paramref name="path"/> is; with <paramref name="followLinks"/>, what a final symbolic link points to.</summary>
    public static FileKind KindOf(string path, bool followLinks = false)
    {
        if (OperatingSystem.IsLinux() && TryStatxMode(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, out var mode, out bool missing))
        {
            if (missing) return FileKind.Missing;
            return (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Other, // a link: what it points to decides (rename replaces the link, not that)
                _ => FileKind.Other,
            };
        }
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        if (!OperatingSystem.IsWindows())
        {
            // .NET reports FIFOs, devices and sockets as files; its link target and attributes do not say which.
            // On macOS, stat(2)'s st_mode is the 16-bit field after st_dev (a 32-bit dev_t).
            if (TryStatMode(path, out var statMode)) return (statMode & 0xF000) switch { 0x8000 => FileKind.Regular, 0x4000 => FileKind.Directory, _ => FileKind.Other };
        }
        return FileKind.Regular;
    }

    /// <summary>What an open descriptor is (Linux only; elsewhere Regular): read from the descriptor, so it cannot be swapped.</summary>
    public static FileKind KindOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux()) return FileKind.Regular;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (!TryStatxMode((int)handle.DangerousGetHandle(), "", AtEmptyPath, out var mode, out _)) return FileKind.Regular;
            return (mode & 0xF000) switch { 0x8000 => FileKind.Regular, 0x4000 => FileKind.Directory, _ => FileKind.Other };
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="target"/> only if nothing is there, atomically: on Linux
    /// renameat2(RENAME_NOREPLACE), else (or where the file system lacks it) link(2) then unlink(2), which fails with
    /// EEXIST as atomically; only where hard links are not supported either does it fall back to .NET's File.Move,
    /// whose check and rename are two steps. Returns false when the target exists.
    /// </summary>
    public static bool MoveNoReplace(string source, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING fails atomically when the target exists.
            try { File.Move(source, target, overwrite: false); return true; }
            catch (IOException) when (File.Exists(target) || Directory.Exists(target)) { return false; }
        }
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (renameat2(AtFdCwd, source, AtFdCwd, target, RenameNoReplace) == 0) return true;
                int error = Marshal.GetLastPInvokeError();
                if (error == EEXIST) return false;
                if (error is not (ENOSYS or EINVAL)) throw new IOException($"Cannot move '{source}' to '{target}' (errno {error}).");
            }
            catch (EntryPointNotFoundException)
            {
                // A C library without renameat2: link and unlink below.
            }
        }
        if (link(source, target) == 0)
        {
            File.Delete(source);
            return true;
        }
        int linkError = Marshal.GetLastPInvokeError();
        if (linkError == EEXIST) return false;
        try { File.Move(source, target, overwrite: false); return true; }
        catch (IOException) when (File.Exists(target) || Directory.Exists(target)) { return false; }
    }

    /// <summary>The device and inode of a path and of an open descriptor (Linux only; null elsewhere): whether they are one file.</summary>
    public static unsafe (ulong Device, ulong Inode)? Identity(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = stackalloc byte[256];
        try
        {
            if (statx(AtFdCwd, path, 0, StatxIno, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return ((ulong)*(uint*)(buffer + 136) << 32 | *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    public static unsafe (ulong Device, ulong Inode)? Identity(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = stackalloc byte[256];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return ((ulong)*(uint*)(buffer + 136) << 32 | *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    private static unsafe bool TryStatMode(string path, out int mode)
    {
        mode = 0;
        if (!OperatingSystem.IsMacOS()) return false;
        var buffer = stackalloc byte[512];
        try
        {
            if (stat(path, buffer) != 0) return false;
            mode = *(ushort*)(buffer + 4);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static unsafe bool TryStatxMode(int dirfd, string path, int flags, out int mode, out bool missing)
    {
        mode = 0;
        missing = false;
        var buffer = stackalloc byte[256];
        try
        {
            if (statx(dirfd, path, flags, StatxType, buffer) == 0)
            {
                mode = *(ushort*)(buffer + 28);
                return true;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        int error = Marshal.GetLastPInvokeError();
        if (error is ENOENT or ENOTDIR)
        {
            missing = true;
            return true;
        }
        return false;
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxIno = 0x100;
    private const uint RenameNoReplace = 0x1;
    private const int ENOENT = 2, EEXIST = 17, ENOTDIR = 20, EINVAL = 22, ENOSYS = 38;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int stat(string path, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);
}
