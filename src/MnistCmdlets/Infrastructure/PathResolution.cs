using System.Management.Automation;
using Mnist.Core;
using Mnist.Core.Persistence;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// -Path and -LiteralPath, the same in every cmdlet: -Path expands wildcards (a name that exists as written, such as
/// digit[1].png from Get-ChildItem, is taken as it is), -LiteralPath never does. Paths are relative to PowerShell's
/// current location.
/// </summary>
internal static class PathResolution
{
    /// <summary>Files to read: each wildcard expands to every file it matches; one that matches nothing is reported through <paramref name="report"/>.</summary>
    public static IEnumerable<string> Inputs(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, Func<string, MnistException> noMatch,
        Action<MnistException> report)
    {
        foreach (var path in paths)
        {
            if (Invalid(path) is { } invalid)
            {
                report(invalid);
                continue;
            }
            var asWritten = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path) || File.Exists(asWritten) || Directory.Exists(asWritten))
            {
                yield return asWritten;
                continue;
            }
            var matches = Expand(cmdlet, path);
            if (matches.Count == 0) report(noMatch(path));
            foreach (var match in matches) yield return match;
        }
    }

    /// <summary>One path to read: a wildcard must match exactly one item.</summary>
    public static string SingleInput(PSCmdlet cmdlet, string path, bool literal, Func<string, MnistException> noMatch)
    {
        PathChecks.Validate(path);
        var asWritten = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path) || File.Exists(asWritten) || Directory.Exists(asWritten)) return asWritten;
        var matches = Expand(cmdlet, path);
        return matches.Count switch
        {
            0 => throw noMatch(path),
            1 => matches[0],
            _ => throw NotUnique(path, matches.Count),
        };
    }

    /// <summary>A file to write: taken as written, unless -Path holds a wildcard, which must then match exactly one existing file.</summary>
    public static string Output(PSCmdlet cmdlet, string path, bool literal)
    {
        PathChecks.Validate(path);
        var asWritten = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path) || File.Exists(asWritten)) return asWritten;
        var matches = Expand(cmdlet, path);
        return matches.Count == 1 ? matches[0] : throw NotUnique(path, matches.Count);
    }

    /// <summary>A NUL or an over-long name: reported as the module's error, not .NET's or the provider's.</summary>
    private static MnistException? Invalid(string path)
    {
        try
        {
            PathChecks.Validate(path);
            return null;
        }
        catch (MnistException e)
        {
            return e;
        }
    }

    private static IReadOnlyList<string> Expand(PSCmdlet cmdlet, string path)
    {
        try
        {
            return cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
        }
        catch (ItemNotFoundException)
        {
            return Array.Empty<string>();
        }
    }

    private static MnistException NotUnique(string path, int count) =>
        new("PathWildcardNotUnique", MnistErrorKind.InvalidArgument,
            $"'{path}' matches {count} items; it must name exactly one. Use -LiteralPath for a name that holds [ ] * or ?.", path);
}
