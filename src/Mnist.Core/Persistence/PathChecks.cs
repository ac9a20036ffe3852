using System.Text;

namespace Mnist.Core.Persistence;

/// <summary>
/// What every path the module reads or writes must be before it reaches .NET or the OS: no NUL character (which
/// .NET rejects with a bare ArgumentException and C would cut the path at) and no name longer than the platform
/// allows (255 bytes of UTF-8 per name on Linux and macOS, 255 UTF-16 units on Windows; 4,095 bytes in all on Linux).
/// </summary>
public static class PathChecks
{
    /// <summary>The longest file or folder name the platform accepts.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The longest whole path Linux accepts (PATH_MAX less its terminating NUL).</summary>
    public const int MaxPathBytes = 4_095;

    /// <summary>Throws a module error when <paramref name="path"/> holds a NUL or a name (or the whole) is too long for the platform.</summary>
    public static void Validate(string path, string? what = null)
    {
        if (path.Contains('\0')) throw HasNul(path, what);
        foreach (var name in path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
            if (NameLength(name) > MaxNameLength)
                throw new MnistException("PathTooLong", MnistErrorKind.InvalidArgument,
                    $"{Describe(what)}'{Shown(path)}' has a name of {NameLength(name):N0} {Unit}; the file system allows {MaxNameLength}.", Shown(path));
        if (!OperatingSystem.IsWindows() && Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            throw new MnistException("PathTooLong", MnistErrorKind.InvalidArgument,
                $"{Describe(what)}'{Shown(path)}' is {Encoding.UTF8.GetByteCount(path):N0} bytes long; the file system allows {MaxPathBytes:N0}.", Shown(path));
    }

    /// <summary>A name's length as the file system counts it.</summary>
    public static int NameLength(string name) => OperatingSystem.IsWindows() ? name.Length : Encoding.UTF8.GetByteCount(name);

    /// <summary>The longest start of <paramref name="name"/> that is at most <paramref name="limit"/> long as the file system counts, cut between characters.</summary>
    public static string Truncate(string name, int limit)
    {
        if (NameLength(name) <= limit) return name;
        var builder = new StringBuilder();
        int length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            int size = OperatingSystem.IsWindows() ? rune.Utf16SequenceLength : rune.Utf8SequenceLength;
            if (length + size > limit) break;
            builder.Append(rune.ToString());
            length += size;
        }
        return builder.ToString();
    }

    public static MnistException HasNul(string path, string? what = null) =>
        new("PathHasNul", MnistErrorKind.InvalidArgument,
            $"{Describe(what)}'{Shown(path)}' holds a NUL character, which no file name can hold.", Shown(path));

    /// <summary>The path as messages show it: NUL and other control characters made visible.</summary>
    public static string Shown(string path) => Rendering.SafeText.Of(path);

    private static string Describe(string? what) => what is null ? "The path " : $"{what} ";

    private static string Unit => OperatingSystem.IsWindows() ? "characters" : "bytes";
}
