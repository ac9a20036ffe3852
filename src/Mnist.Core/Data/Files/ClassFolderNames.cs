using System.Text;

namespace Mnist.Core.Data.Files;

/// <summary>
/// A class name as a folder name that every platform accepts, and the file that keeps the class names themselves.
/// A picture folder written by the module holds <see cref="ListFile"/> beside its class folders: the class names in
/// label order, one per line, so a class named <c>T-shirt/top</c> (a folder <c>T-shirt_top</c>) and the label order
/// survive a round trip. A folder without that file takes its class names from its folder names, sorted ordinally.
/// </summary>
public static class ClassFolderNames
{
    /// <summary>The class names in label order, one per line (UTF-8), beside the class folders.</summary>
    public const string ListFile = "classes.txt";

    private static readonly HashSet<string> WindowsReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// The folder for a class: characters that Windows, macOS or Linux refuse in a name (and control characters)
    /// become '_', trailing dots and spaces go, reserved device names get a trailing '_', and names are cut to 100
    /// UTF-16 characters. Different class names can map to one folder; <see cref="ForAll"/> refuses that.
    /// </summary>
    public static string For(string className)
    {
        var builder = new StringBuilder(className.Length);
        foreach (var c in className)
            builder.Append(c < 32 || c == 127 || "<>:\"/\\|?*".Contains(c) ? '_' : c);
        var name = builder.ToString().TrimEnd('.', ' ');
        if (name.Length > 100) name = name[..100].TrimEnd('.', ' ');
        if (name.Length == 0 || name == "." || name == "..") name = "_" + name;
        var stem = name.Split('.')[0];
        if (WindowsReservedNames.Contains(stem)) name = stem + "_" + name[stem.Length..];
        return name;
    }

    /// <summary>The folder of every class, in label order; an error when two classes would share a folder.</summary>
    public static IReadOnlyList<string> ForAll(IReadOnlyList<string> classNames)
    {
        var folders = classNames.Select(For).ToArray();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < folders.Length; i++)
        {
            if (seen.TryGetValue(folders[i], out var other))
                throw new MnistException("ClassFolderClash", MnistErrorKind.InvalidArgument,
                    $"The classes '{other}' and '{classNames[i]}' would share the folder '{folders[i]}' (folder names ignore case and replace characters such as / and :).",
                    classNames[i]);
            seen[folders[i]] = classNames[i];
        }
        return folders;
    }
}
