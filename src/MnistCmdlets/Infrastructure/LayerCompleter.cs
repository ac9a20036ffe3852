using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Mnist.Core.Modeling.Layers;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Completes -Layers with the layer names (quoted, with their arguments to fill in) and, inside one, the activations.</summary>
public sealed class LayerCompleter : IArgumentCompleter
{
    private static readonly IReadOnlyDictionary<string, string> Templates = new Dictionary<string, string>
    {
        ["Dense"] = "Dense(128, activation=relu)",
        ["Conv2D"] = "Conv2D(32, 3, activation=relu)",
        ["MaxPooling2D"] = "MaxPooling2D(2)",
        ["AveragePooling2D"] = "AveragePooling2D(2)",
        ["Flatten"] = "Flatten",
        ["Dropout"] = "Dropout(0.5)",
        ["BatchNormalization"] = "BatchNormalization",
        ["Activation"] = "Activation(relu)",
        ["Normalization"] = "Normalization(mean=0.1307, std=0.3081)",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        int equals = word.LastIndexOf("activation=", StringComparison.OrdinalIgnoreCase);
        if (equals >= 0)
        {
            var stem = word[..(equals + "activation=".Length)];
            var partial = word[(equals + "activation=".Length)..];
            foreach (var name in LayerParser.ActivationNames.Where(n => n.StartsWith(partial, StringComparison.OrdinalIgnoreCase)))
                yield return new CompletionResult($"'{stem}{name}'", name, CompletionResultType.ParameterValue, name);
            yield break;
        }
        foreach (var name in LayerParser.LayerNames.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
        {
            var template = Templates[name];
            yield return new CompletionResult($"'{template}'", name, CompletionResultType.ParameterValue,
                $"{template}  arguments: {string.Join(", ", LayerParser.ArgumentsOf(Enum.Parse<LayerKind>(name)))}");
        }
    }
}
