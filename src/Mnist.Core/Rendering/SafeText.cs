using System.Globalization;
using System.Text;

namespace Mnist.Core.Rendering;

/// <summary>
/// Text from a file (a model or class name, a path) as it may reach a terminal: control characters, which would
/// otherwise move the cursor, recolour or retitle the terminal (ESC sequences), or hide text, are replaced by visible
/// stand-ins: C0 characters by their Unicode control pictures (ESC as ␛, NUL as ␀), DEL as ␡, C1 characters and
/// bidirectional overrides as U+FFFD.
/// </summary>
public static class SafeText
{
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text) || !NeedsCleaning(text)) return text ?? "";
        var builder = new StringBuilder(text.Length);
        foreach (var c in text) builder.Append(StandIn(c));
        return builder.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
            if (IsUnsafe(c)) return true;
        return false;
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static char StandIn(char c) => c switch
    {
        < '\u0020' => (char)(0x2400 + c),
        '\u007F' => '\u2421',
        _ when IsUnsafe(c) => '\uFFFD',
        _ => c,
    };
}
