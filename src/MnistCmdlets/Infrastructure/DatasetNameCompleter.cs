using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Completes -Name with the known MNIST-layout datasets; any other name is still accepted.</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DatasetPresets.ClassNames.Keys
            .Where(name => name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name));
}
