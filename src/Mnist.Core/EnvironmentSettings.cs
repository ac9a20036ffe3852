using System.Globalization;
using Mnist.Core.Persistence;

namespace Mnist.Core;

/// <summary>
/// The module's environment variables, read and checked in one place: a value that cannot be used is a module error
/// (<c>EnvironmentVariableInvalid</c>) naming the variable and the value, never a raw IO, overflow or range error
/// somewhere later. Relative folders resolve against the folder the caller gives (the cmdlets give PowerShell's
/// current location, not the process's start folder).
/// </summary>
public static class EnvironmentSettings
{
    public const string InvalidId = "EnvironmentVariableInvalid";

    /// <summary>Seconds a server may stay silent. More than an hour of silence is no working server, and .NET's timers stop at 49 days.</summary>
    public const double MaxTimeoutSeconds = 3_600;

    public const double DefaultTimeoutSeconds = 30;

    /// <summary>
    /// The folder <paramref name="variable"/> names, resolved against <paramref name="baseFolder"/> (~ is the home
    /// folder); null when it is unset or blank. Refused: a NUL, a name longer than the platform allows, an existing
    /// file or anything else that is not a folder.
    /// </summary>
    /// <param name="read">How the variable is read (tests give their own rather than change the process's environment).</param>
    public static string? Folder(string variable, string baseFolder, Func<string, string?>? read = null)
    {
        var given = (read ?? Environment.GetEnvironmentVariable)(variable);
        if (string.IsNullOrWhiteSpace(given)) return null;
        if (PathChecks.Problem(given) is { } problem) throw Invalid(variable, given, "the path " + problem);
        var expanded = given == "~" || given.StartsWith("~/", StringComparison.Ordinal) || given.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), given.Length > 2 ? given[2..] : "")
            : given;
        var full = Path.GetFullPath(expanded, baseFolder);
        // .NET's own check, not a stat(2) of the module's: this runs while native libraries are resolved (see NativeResolver).
        if (File.Exists(full))
            throw Invalid(variable, given, $"'{PathChecks.Shown(full)}' is a file (or a FIFO, device or socket), not a folder");
        return full;
    }

    /// <summary>The download timeout from <paramref name="variable"/>: a number of seconds above 0 and at most <see cref="MaxTimeoutSeconds"/>.</summary>
    public static TimeSpan Timeout(string variable, Func<string, string?>? read = null)
    {
        var given = (read ?? Environment.GetEnvironmentVariable)(variable);
        if (string.IsNullOrWhiteSpace(given)) return TimeSpan.FromSeconds(DefaultTimeoutSeconds);
        if (!double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds)
            || seconds <= 0 || seconds > MaxTimeoutSeconds)
            throw Invalid(variable, given, $"it must be a number of seconds above 0 and at most {MaxTimeoutSeconds:0}");
        return TimeSpan.FromSeconds(seconds);
    }

    private static MnistException Invalid(string variable, string value, string why, Exception? inner = null) =>
        new(InvalidId, MnistErrorKind.InvalidArgument,
            $"$env:{variable} = '{PathChecks.Shown(value.Length > 300 ? value[..300] + "..." : value)}' cannot be used: {why}. Fix or remove the variable.", variable, inner);
}
