using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Completes -Name with the datasets of the catalogue; with -Path any other name is still accepted.</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DatasetCatalog.All
            .Where(d => d.Name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d.Name, d.Name, CompletionResultType.ParameterValue, d.Title));
}
