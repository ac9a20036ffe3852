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

    /// <summary>Throws <c>PathHasNul</c> or <c>PathTooLong</c> naming <paramref name="path"/> (as <paramref name="what"/>, e.g. "-CheckpointPath").</summary>
    public static void Validate(string path, string? what = null)
    {
        if (Problem(path) is not { } problem) return;
        var id = path.Contains('\0') ? "PathHasNul" : "PathTooLong";
        throw new MnistException(id, MnistErrorKind.InvalidArgument, $"{(what is null ? "The path" : what)} '{Shown(path)}' {problem}.", Shown(path));
    }

    /// <summary>Why <paramref name="path"/> cannot name a file, or null.</summary>
    public static string? Problem(string path)
    {
        if (path.Contains('\0')) return "holds a NUL character, which no file name can hold";
        foreach (var name in path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
            if (NameLength(name) > MaxNameLength)
                return $"has a name of {NameLength(name):N0} {Unit}; the file system allows {MaxNameLength}";
        if (!OperatingSystem.IsWindows() && Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            return $"is {Encoding.UTF8.GetByteCount(path):N0} bytes long; the file system allows {MaxPathBytes:N0}";
        return null;
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

    /// <summary>The path as messages show it: NUL and other control characters made visible.</summary>
    public static string Shown(string path) => Rendering.SafeText.Of(path);

    private static string Unit => OperatingSystem.IsWindows() ? "characters" : "bytes";
}
