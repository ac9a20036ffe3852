using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Completes -ClassNames with the whole class list of a known dataset, inserted as one quoted, comma-separated list;
/// the list whose dataset matches -Name comes first.
/// </summary>
public sealed class ClassNamesCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters.Contains("Name") ? fakeBoundParameters["Name"]?.ToString() : null;
        var typed = wordToComplete.Trim('\'', '"');
        return DatasetPresets.ClassNames
            .OrderBy(preset => string.Equals(preset.Key, name, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .Where(preset => preset.Value[0].StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(preset => new CompletionResult(
                string.Join(", ", preset.Value.Select(c => "'" + c.Replace("'", "''") + "'")),
                preset.Key, CompletionResultType.ParameterValue, $"The {preset.Key} classes: {string.Join(", ", preset.Value)}"));
    }
}
