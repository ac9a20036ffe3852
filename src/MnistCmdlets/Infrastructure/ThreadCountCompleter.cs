using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Completes -ThreadCount with 1 up to the number of processors: more threads than cores only slows libtorch down.</summary>
public sealed class ThreadCountCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Enumerable.Range(1, Environment.ProcessorCount)
            .Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Where(n => n.StartsWith(wordToComplete, StringComparison.Ordinal))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue,
                n == "1" ? "1 thread: reproducible alongside other work" : $"{n} threads"));
}
