using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Completes -ClassNames with the known datasets' names (-ClassNames fashion-mnist stands for its classes) and with
/// their whole class lists, inserted as one quoted, comma-separated list; the dataset matching -Name comes first.
/// </summary>
public sealed class ClassNamesCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters.Contains("Name") ? fakeBoundParameters["Name"]?.ToString() : null;
        var typed = wordToComplete.Trim('\'', '"');
        var datasets = DatasetCatalog.All
            .OrderBy(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ToList();
        var byName = datasets
            .Where(d => d.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d.Name, d.Name, CompletionResultType.ParameterValue,
                $"The {d.Name} classes: {string.Join(", ", d.ClassNames)}"));
        var byList = datasets
            .Where(d => d.ClassNames[0].StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(
                string.Join(", ", d.ClassNames.Select(c => "'" + c.Replace("'", "''") + "'")),
                $"{d.Name} (list)", CompletionResultType.ParameterValue, $"The {d.Name} classes: {string.Join(", ", d.ClassNames)}"));
        return byName.Concat(byList);
    }
}
