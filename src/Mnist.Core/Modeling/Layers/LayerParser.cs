using System.Collections;
using System.Globalization;

namespace Mnist.Core.Modeling.Layers;

/// <summary>
/// Reads a layer written as Keras writes it, <c>Conv2D(32, 3, activation=relu)</c>: the layer's name (any case),
/// Keras' positional arguments in Keras' order, then <c>name=value</c> for any argument; values are numbers, words
/// (quoted or not) or a pair <c>(3, 3)</c> of equal sides. Or the same as named values (a dictionary whose
/// <c>Type</c> names the layer). Anything else is refused with an <c>InvalidLayer</c> error naming the layer and
/// its one-based position.
/// </summary>
public static class LayerParser
{
    public const string InvalidLayer = "InvalidLayer";

    private sealed record Argument(string Name, Func<LayerDefinition, Value, string, LayerDefinition> Apply);

    /// <summary>A value as written: a number, a word, or a pair of numbers.</summary>
    private readonly record struct Value(string Text, double? Number, string? Word, double[]? Pair);

    private static readonly IReadOnlyDictionary<string, LayerKind> Kinds = new Dictionary<string, LayerKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["Dense"] = LayerKind.Dense,
        ["Conv2D"] = LayerKind.Conv2D,
        ["Convolution2D"] = LayerKind.Conv2D,
        ["MaxPooling2D"] = LayerKind.MaxPooling2D,
        ["MaxPool2D"] = LayerKind.MaxPooling2D,
        ["AveragePooling2D"] = LayerKind.AveragePooling2D,
        ["AvgPool2D"] = LayerKind.AveragePooling2D,
        ["Flatten"] = LayerKind.Flatten,
        ["Dropout"] = LayerKind.Dropout,
        ["BatchNormalization"] = LayerKind.BatchNormalization,
        ["Activation"] = LayerKind.Activation,
        ["Normalization"] = LayerKind.Normalization,
    };

    /// <summary>The layer names as Keras spells them (for completion and messages).</summary>
    public static IReadOnlyList<string> LayerNames { get; } = Enum.GetNames<LayerKind>();

    /// <summary>The activation names an activation argument or an Activation layer takes.</summary>
    public static IReadOnlyList<string> ActivationNames { get; } =
        Enum.GetValues<LayerActivation>().Select(LayerDefinition.ActivationName).ToArray();

    private static readonly Argument Units = new("units", (d, v, t) => d with { Units = Integer(v, t, "units", 1, InputLimits.MaxHiddenUnits) });
    private static readonly Argument Filters = new("filters", (d, v, t) => d with { Filters = Integer(v, t, "filters", 1, InputLimits.MaxFilters) });
    private static readonly Argument Kernel = new("kernel_size", (d, v, t) => d with { KernelSize = Side(v, t, "kernel_size") });
    private static readonly Argument Pool = new("pool_size", (d, v, t) => d with { PoolSize = Side(v, t, "pool_size") });
    private static readonly Argument Strides = new("strides", (d, v, t) => d with { Strides = Side(v, t, "strides") });
    private static readonly Argument Padding = new("padding", (d, v, t) => d with { Padding = Word(v, t, "padding") switch
    {
        "valid" => LayerPadding.Valid,
        "same" when d.Kind == LayerKind.Conv2D => LayerPadding.Same,
        "same" => throw Invalid(t, "padding=same is taken by Conv2D; pooling here is valid only"),
        var other => throw Invalid(t, $"padding '{other}' is not valid or same"),
    } });
    private static readonly Argument ActivationArgument = new("activation", (d, v, t) => d with { Activation = ActivationOf(v, t) });
    private static readonly Argument InitializerArgument = new("kernel_initializer", (d, v, t) => d with { Initializer = Word(v, t, "kernel_initializer") switch
    {
        "glorot_uniform" => WeightInitializer.GlorotUniform,
        "torch_default" => WeightInitializer.TorchDefault,
        var other => throw Invalid(t, $"kernel_initializer '{other}' is not glorot_uniform or torch_default"),
    } });
    private static readonly Argument Rate = new("rate", (d, v, t) =>
    {
        var rate = Real(v, t, "rate");
        return rate is >= 0 and < 1 ? d with { Rate = rate } : throw Invalid(t, $"rate must be at least 0 and below 1, not {v.Text}");
    });
    private static readonly Argument Momentum = new("momentum", (d, v, t) =>
    {
        var momentum = Real(v, t, "momentum");
        return momentum is >= 0 and < 1 ? d with { Momentum = momentum } : throw Invalid(t, $"momentum must be at least 0 and below 1, not {v.Text}");
    });
    private static readonly Argument Epsilon = new("epsilon", (d, v, t) =>
    {
        var epsilon = Real(v, t, "epsilon");
        return epsilon is > 0 and <= 1 ? d with { Epsilon = epsilon } : throw Invalid(t, $"epsilon must be above 0 and at most 1, not {v.Text}");
    });
    private static readonly Argument Mean = new("mean", (d, v, t) => d with { Mean = Real(v, t, "mean") });
    private static readonly Argument Std = new("std", (d, v, t) =>
    {
        var std = Real(v, t, "std");
        return std > 0 ? d with { Std = std } : throw Invalid(t, $"std must be above 0, not {v.Text}");
    });
    private static readonly Argument Variance = new("variance", (d, v, t) =>
    {
        var variance = Real(v, t, "variance");
        return variance > 0 ? d with { Std = Math.Sqrt(variance) } : throw Invalid(t, $"variance must be above 0, not {v.Text}");
    });

    /// <summary>Each kind's arguments: the positional ones first, in Keras' order, then those taken only by name.</summary>
    private static readonly IReadOnlyDictionary<LayerKind, (Argument[] Positional, Argument[] Named)> Signatures =
        new Dictionary<LayerKind, (Argument[], Argument[])>
        {
            [LayerKind.Dense] = (new[] { Units, ActivationArgument }, new[] { InitializerArgument }),
            [LayerKind.Conv2D] = (new[] { Filters, Kernel, Strides, Padding }, new[] { ActivationArgument, InitializerArgument }),
            [LayerKind.MaxPooling2D] = (new[] { Pool, Strides, Padding }, Array.Empty<Argument>()),
            [LayerKind.AveragePooling2D] = (new[] { Pool, Strides, Padding }, Array.Empty<Argument>()),
            [LayerKind.Flatten] = (Array.Empty<Argument>(), Array.Empty<Argument>()),
            [LayerKind.Dropout] = (new[] { Rate }, Array.Empty<Argument>()),
            [LayerKind.BatchNormalization] = (Array.Empty<Argument>(), new[] { Momentum, Epsilon }),
            [LayerKind.Activation] = (new[] { ActivationArgument }, Array.Empty<Argument>()),
            [LayerKind.Normalization] = (Array.Empty<Argument>(), new[] { Mean, Std, Variance }),
        };

    /// <summary>The arguments a kind of layer takes, by their Keras names.</summary>
    public static IReadOnlyList<string> ArgumentsOf(LayerKind kind) =>
        Signatures[kind].Positional.Concat(Signatures[kind].Named).Select(a => a.Name).ToArray();

    /// <summary>Reads one layer's Keras text; <paramref name="position"/> (one-based) is for the error message.</summary>
    public static LayerDefinition Parse(string text, int position)
    {
        var where = $"layer {position} '{text?.Trim()}'";
        if (string.IsNullOrWhiteSpace(text)) throw Invalid(where, "it is empty");
        var trimmed = text.Trim();
        int open = trimmed.IndexOf('(');
        var name = (open < 0 ? trimmed : trimmed[..open]).Trim();
        var arguments = new List<(string? Name, Value Value)>();
        if (open >= 0)
        {
            if (!trimmed.EndsWith(')')) throw Invalid(where, "its argument list does not end with ')'");
            foreach (var part in SplitArguments(trimmed[(open + 1)..^1], where))
            {
                int equals = part.IndexOf('=');
                bool named = equals > 0 && !part[..equals].Contains('(');
                var argumentName = named ? part[..equals].Trim() : null;
                var value = ReadValue(named ? part[(equals + 1)..] : part, where);
                arguments.Add((argumentName, value));
            }
        }
        return Build(name, arguments, where);
    }

    /// <summary>Reads a layer given as named values: <c>Type</c> names the layer, the other keys are its arguments.</summary>
    public static LayerDefinition FromValues(IDictionary values, int position)
    {
        string? type = null;
        var arguments = new List<(string? Name, Value Value)>();
        foreach (DictionaryEntry entry in values)
        {
            var key = entry.Key?.ToString() ?? "";
            if (key.Equals("Type", StringComparison.OrdinalIgnoreCase) || key.Equals("Layer", StringComparison.OrdinalIgnoreCase))
                type = entry.Value?.ToString();
            else
                arguments.Add((key, ValueOf(entry.Value)));
        }
        var where = $"layer {position} ({type ?? "no Type"})";
        if (string.IsNullOrWhiteSpace(type)) throw Invalid(where, $"it has no Type naming the layer ({string.Join(", ", LayerNames)})");
        return Build(type.Trim(), arguments, where);
    }

    private static LayerDefinition Build(string name, List<(string? Name, Value Value)> arguments, string where)
    {
        if (!Kinds.TryGetValue(name, out var kind))
            throw Invalid(where, $"'{name}' is not a layer this module builds ({string.Join(", ", LayerNames)})");
        var (positional, namedOnly) = Signatures[kind];
        var definition = new LayerDefinition { Kind = kind };
        var given = new HashSet<string>();
        int index = 0;
        foreach (var (argumentName, value) in arguments)
        {
            Argument argument;
            if (argumentName is null)
            {
                if (given.Count > index) throw Invalid(where, "a positional argument follows a named one");
                if (index >= positional.Length)
                    throw Invalid(where, positional.Length == 0
                        ? $"{kind} takes no positional arguments"
                        : $"{kind} takes at most {positional.Length} positional argument{(positional.Length == 1 ? "" : "s")} ({string.Join(", ", positional.Select(a => a.Name))})");
                argument = positional[index++];
            }
            else
            {
                var key = Key(argumentName);
                argument = positional.Concat(namedOnly).FirstOrDefault(a => Key(a.Name) == key)
                    ?? throw Invalid(where, $"{kind} has no argument '{argumentName}'" +
                        (positional.Length + namedOnly.Length == 0 ? "" : $" (it takes {string.Join(", ", ArgumentsOf(kind))})"));
            }
            if (!given.Add(argument.Name)) throw Invalid(where, $"'{argument.Name}' is given twice");
            definition = argument.Apply(definition, value, where);
        }
        foreach (var required in Required(kind))
            if (!given.Contains(required)) throw Invalid(where, $"{kind} needs {required}");
        if (kind is LayerKind.MaxPooling2D or LayerKind.AveragePooling2D)
        {
            if (!given.Contains("pool_size")) definition = definition with { PoolSize = 2 };
            if (!given.Contains("strides")) definition = definition with { Strides = definition.PoolSize };
        }
        if (kind == LayerKind.Activation && !given.Contains("activation")) throw Invalid(where, "Activation needs the activation's name");
        if (kind == LayerKind.Normalization && given.Contains("std") && given.Contains("variance"))
            throw Invalid(where, "give std or variance, not both");
        return definition;
    }

    private static IEnumerable<string> Required(LayerKind kind) => kind switch
    {
        LayerKind.Dense => new[] { "units" },
        LayerKind.Conv2D => new[] { "filters", "kernel_size" },
        LayerKind.Dropout => new[] { "rate" },
        _ => Array.Empty<string>(),
    };

    private static string Key(string name) => name.Replace("_", "").ToLowerInvariant();

    private static IEnumerable<string> SplitArguments(string text, string where)
    {
        int depth = 0, start = 0;
        var parts = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth < 0) throw Invalid(where, "its parentheses do not match");
            else if (text[i] == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        if (depth != 0) throw Invalid(where, "its parentheses do not match");
        parts.Add(text[start..]);
        if (parts.Count == 1 && string.IsNullOrWhiteSpace(parts[0])) return Array.Empty<string>();
        if (parts.Any(string.IsNullOrWhiteSpace)) throw Invalid(where, "it has an empty argument");
        return parts.Select(p => p.Trim());
    }

    private static Value ReadValue(string raw, string where)
    {
        var text = raw.Trim();
        if (text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0]) text = text[1..^1].Trim();
        if (text.StartsWith('(') && text.EndsWith(')'))
        {
            var sides = text[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var numbers = sides.Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN).ToArray();
            if (numbers.Length != 2 || numbers.Any(double.IsNaN)) throw Invalid(where, $"'{raw.Trim()}' is not a pair of numbers");
            return new Value(raw.Trim(), null, null, numbers);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return new Value(raw.Trim(), number, null, null);
        return new Value(raw.Trim(), null, text.ToLowerInvariant(), null);
    }

    private static Value ValueOf(object? value) => value switch
    {
        null => new Value("null", null, "none", null),
        string s => ReadValue(s, "a value"),
        IConvertible c when value is not bool && double.TryParse(c.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            => new Value(c.ToString(CultureInfo.InvariantCulture), n, null, null),
        IEnumerable list => ListValue(list.Cast<object?>().ToArray()),
        _ => new Value(value.ToString() ?? "", null, value.ToString()?.ToLowerInvariant(), null),
    };

    private static Value ListValue(object?[] items)
    {
        var text = $"({string.Join(", ", items)})";
        var numbers = items.Select(i => ValueOf(i).Number ?? double.NaN).ToArray();
        return numbers.Length == 2 && !numbers.Any(double.IsNaN) ? new Value(text, null, null, numbers) : new Value(text, null, text, null);
    }

    private static int Integer(Value value, string where, string name, int minimum, int maximum)
    {
        if (value.Number is not { } number || number != Math.Floor(number))
            throw Invalid(where, $"{name} must be a whole number, not {value.Text}");
        if (number < minimum || number > maximum)
            throw Invalid(where, $"{name} must be {minimum} to {maximum:N0}, not {value.Text}");
        return (int)number;
    }

    private static int Side(Value value, string where, string name)
    {
        if (value.Pair is { } pair)
        {
            if (pair[0] != pair[1]) throw Invalid(where, $"{name} {value.Text}: only square windows are built here; give one number");
            value = value with { Number = pair[0] };
        }
        return Integer(value, where, name, 1, InputLimits.MaxKernelSide);
    }

    private static double Real(Value value, string where, string name) =>
        value.Number is { } number && double.IsFinite(number) ? number : throw Invalid(where, $"{name} must be a number, not {value.Text}");

    private static string Word(Value value, string where, string name) =>
        value.Word ?? throw Invalid(where, $"{name} must be a word, not {value.Text}");

    private static LayerActivation ActivationOf(Value value, string where) => Word(value, where, "activation") switch
    {
        "linear" or "none" => LayerActivation.Linear,
        "relu" => LayerActivation.Relu,
        "tanh" => LayerActivation.Tanh,
        "sigmoid" => LayerActivation.Sigmoid,
        "gelu" => LayerActivation.Gelu,
        "elu" => LayerActivation.Elu,
        "leaky_relu" or "leakyrelu" => LayerActivation.LeakyRelu,
        "softmax" => LayerActivation.Softmax,
        var other => throw Invalid(where, $"activation '{other}' is not one of {string.Join(", ", ActivationNames)}"),
    };

    internal static MnistException Invalid(string where, string why) =>
        new(InvalidLayer, MnistErrorKind.InvalidArgument, $"{Capitalise(where)}: {why}.", where);

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
