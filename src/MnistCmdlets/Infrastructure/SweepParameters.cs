using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json.Nodes;
using Mnist.Cmdlets.Commands;
using Mnist.Core;
using Mnist.Core.Sweeps;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Reads Invoke-MnistSweep's -Parameter table: which parameters of New-MnistModel and Invoke-MnistTraining it sweeps,
/// and their values (a list to try, one value, or a range @{ Min; Max; Log } to draw from), each converted and checked
/// as the cmdlet would check it, so a bad value is refused before any trial starts.
/// </summary>
internal static class SweepParameters
{
    /// <summary>What the sweep itself sets per trial, or what would make trials incomparable.</summary>
    private static readonly HashSet<string> NotSwept = new(StringComparer.OrdinalIgnoreCase)
    {
        "Seed", "ClassNames", "Classes", "Name", "Data", "Model", "ThreadCount", "CheckpointPath", "Force", "OnEpochEnd",
        "BackupPath", "LogPath", "Quiet", "Monitor", "MaxDuration", "ValidationSplit",
    };

    public static readonly IReadOnlyDictionary<string, PropertyInfo> ModelParameters = ParametersOf(typeof(NewMnistModelCommand));

    /// <summary>Invoke-MnistTraining's, less those New-MnistModel also takes (BatchSize goes to the model, whose default training uses).</summary>
    public static readonly IReadOnlyDictionary<string, PropertyInfo> TrainingParameters =
        ParametersOf(typeof(InvokeMnistTrainingCommand)).Where(p => !ModelParameters.ContainsKey(p.Key))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => ModelParameters.Keys.Concat(TrainingParameters.Keys).Order(StringComparer.Ordinal);

    private static readonly string[] ArchitectureOnly = { "Architecture", "HiddenUnits", "Dropout", "Activation" };

    /// <summary>The swept parameters in the table's order ([ordered]), or by name for a plain hashtable (whose order is not kept).</summary>
    public static IReadOnlyList<SweepDomain> Read(IDictionary table)
    {
        var entries = table.Cast<DictionaryEntry>().Select(e => (Name: e.Key?.ToString() ?? "", e.Value)).ToList();
        if (table is not System.Collections.Specialized.IOrderedDictionary)
            entries = entries.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (entries.Count == 0)
            throw Invalid("Parameter", "-Parameter names no parameter to sweep; give at least one, such as @{ LearningRate = 0.0005, 0.001 }.");
        var domains = entries.Select(e => Domain(e.Name, e.Value)).ToList();
        if (domains.Any(d => d.Name == "Layers") && domains.FirstOrDefault(d => ArchitectureOnly.Contains(d.Name)) is { } clash)
            throw Invalid(clash.Name, $"-Layers describes the whole network, so '{clash.Name}' cannot be swept beside it.");
        var duplicate = domains.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Invalid(duplicate.Key, $"'{duplicate.Key}' is named twice.");
        return domains;
    }

    public static bool IsModelParameter(string name) => ModelParameters.ContainsKey(name);

    private static SweepDomain Domain(string given, object? value)
    {
        var property = ModelParameters.GetValueOrDefault(given) ?? TrainingParameters.GetValueOrDefault(given)
            ?? throw Invalid(given, NotSwept.Contains(given)
                ? $"'{given}' is set by the sweep itself (or would make the trials incomparable); it cannot be swept."
                : $"'{given}' is not a parameter of New-MnistModel or Invoke-MnistTraining that a sweep can vary. These can: {string.Join(", ", Names)}.");
        var name = property.Name;
        value = DataArgument.Unwrap(value);
        if (value is IDictionary range && Keys(range).Contains("Min"))
            return Range(name, property, range);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        IEnumerable<object?> values = type.IsArray
            ? (value is IList outer && outer.Count > 0 && outer.Cast<object?>().All(v => DataArgument.Unwrap(v) is IList)
                ? outer.Cast<object?>() : new[] { value })
            : value is IList list ? list.Cast<object?>() : new[] { value };
        var nodes = values.Select(v => Convert(name, property, DataArgument.Unwrap(v))).ToList();
        if (nodes.Count == 0) throw Invalid(name, $"'{name}' is given no value to try.");
        return new SweepValueList(name, nodes);
    }

    private static SweepRange Range(string name, PropertyInfo property, IDictionary range)
    {
        var extra = Keys(range).FirstOrDefault(k => k is not ("Min" or "Max" or "Log"));
        if (extra is not null) throw Invalid(name, $"The range of '{name}' has '{extra}'; a range takes Min, Max and Log.");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        bool integer = type == typeof(int) || type == typeof(long);
        if (!integer && type != typeof(double))
            throw Invalid(name, $"'{name}' takes {type.Name} values, which cannot be drawn from a range; give a list of them.");
        double Number(string key) => Entry(range, key) is { } v ? LanguagePrimitives.ConvertTo<double>(DataArgument.Unwrap(v))
            : throw Invalid(name, $"The range of '{name}' has no {key}.");
        var (min, max) = (Number("Min"), Number("Max"));
        bool log = Entry(range, "Log") is { } l && LanguagePrimitives.IsTrue(DataArgument.Unwrap(l));
        CheckRange(name, property, min);
        CheckRange(name, property, max);
        return SweepRange.Create(name, min, max, log, integer);
    }

    private static JsonNode Convert(string name, PropertyInfo property, object? value)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (value is null) throw Invalid(name, $"'{name}' is given a null value.");
        if (name == "Layers")
        {
            var layers = value is IList items ? items.Cast<object>().ToArray() : new[] { value };
            return new JsonArray(NewMnistModelCommand.LayerTexts(layers).Select(t => (JsonNode)t).ToArray());
        }
        object converted;
        try
        {
            converted = type == typeof(SwitchParameter) ? LanguagePrimitives.IsTrue(value) : LanguagePrimitives.ConvertTo(value, type);
        }
        catch (PSInvalidCastException e)
        {
            throw Invalid(name, $"'{name}' takes {type.Name} values; '{value}' is not one ({e.Message}).");
        }
        if (converted is Array array)
        {
            CheckCount(name, property, array.Length);
            foreach (var item in array) CheckRange(name, property, item);
            return new JsonArray(array.Cast<object>().Select(ToJson).ToArray());
        }
        CheckRange(name, property, converted);
        CheckSet(name, property, converted);
        return ToJson(converted);
    }

    private static JsonNode ToJson(object value) => value switch
    {
        bool b => b,
        int i => (long)i,
        long l => l,
        double d => d,
        Enum e => e.ToString(),
        TimeSpan t => t.ToString("c"),
        _ => value.ToString() ?? "",
    };

    private static void CheckRange(string name, PropertyInfo property, object? value)
    {
        if (property.GetCustomAttribute<ValidateRangeAttribute>() is not { } range || value is null or bool) return;
        double v = System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        if (range.MinRange is { } min && v < System.Convert.ToDouble(min, System.Globalization.CultureInfo.InvariantCulture)
            || range.MaxRange is { } max && v > System.Convert.ToDouble(max, System.Globalization.CultureInfo.InvariantCulture))
            throw Invalid(name, $"'{name}' takes values from {range.MinRange} to {range.MaxRange}; {value} is outside.");
    }

    private static void CheckSet(string name, PropertyInfo property, object value)
    {
        if (property.GetCustomAttribute<ValidateSetAttribute>() is { } set &&
            !set.ValidValues.Contains(value.ToString(), StringComparer.OrdinalIgnoreCase))
            throw Invalid(name, $"'{name}' takes one of {string.Join(", ", set.ValidValues)}; '{value}' is not one.");
    }

    private static void CheckCount(string name, PropertyInfo property, int count)
    {
        if (property.GetCustomAttribute<ValidateCountAttribute>() is { } limits && (count < limits.MinLength || count > limits.MaxLength))
            throw Invalid(name, $"'{name}' takes {limits.MinLength} to {limits.MaxLength} values per trial; one of its values has {count}.");
    }

    private static IReadOnlyDictionary<string, PropertyInfo> ParametersOf(Type command) =>
        command.GetProperties().Where(p => p.GetCustomAttribute<ParameterAttribute>() is not null && !NotSwept.Contains(p.Name))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> Keys(IDictionary table) => table.Keys.Cast<object>().Select(k => k.ToString() ?? "")
        .Select(k => k.Equals("min", StringComparison.OrdinalIgnoreCase) ? "Min" : k.Equals("max", StringComparison.OrdinalIgnoreCase) ? "Max"
            : k.Equals("log", StringComparison.OrdinalIgnoreCase) ? "Log" : k);

    private static object? Entry(IDictionary table, string key) =>
        table.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase)) is { } found ? table[found] : null;

    private static MnistException Invalid(string name, string message) => new("InvalidSweepParameter", MnistErrorKind.InvalidArgument, message, name);
}
