using System.Globalization;
using System.Text.Json;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;

namespace Mnist.Core.Training.Backup;

/// <summary>
/// What makes two runs the same run, by name: the data (name, checksums, sizes), the model as it started (its spec,
/// epochs and a hash of its weights) and every setting that changes the numbers (epochs, batch, validation split,
/// threads, augmentation, precision, callbacks' settings). A backup is resumed only by a run with the same settings,
/// and a refusal names the ones that differ. Paths, time limits and the user's script block do not count.
/// </summary>
public static class RunSettings
{
    public static SortedDictionary<string, string> Of(MnistModel model, DataIdentity data, int trainCount, TrainingOptions options)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["data"] = $"{data.Name} ({data.TrainCount} train, {data.TestCount} test; " +
                string.Join(", ", data.Checksums.Select(p => $"{p.Key} {p.Value[..Math.Min(12, p.Value.Length)]}")) + ")",
            ["model.EpochsTrained"] = Text(model.EpochsTrained),
            ["model.weights"] = WeightsSha256(model),
            ["Epochs"] = Text(options.Epochs),
            ["BatchSize"] = Text(options.BatchSize ?? model.Spec.BatchSize),
            ["ValidationSplit"] = Text(options.ValidationSplit) + $" ({trainCount} training images)",
            ["Shuffle"] = Text(options.Shuffle),
            ["ThreadCount"] = Text(options.ThreadCount ?? TorchSharp.torch.get_num_threads()),
            ["Patience"] = Text(options.Patience),
            ["Monitor"] = options.Monitor.ToString(),
            ["MinDelta"] = Text(options.MinDelta),
            ["RestoreBestWeights"] = Text(options.RestoreBestWeights),
            ["Augmentation"] = options.AugmentationFor(model.Spec)?.ToString() ?? "none",
            ["Precision"] = options.Precision.ToString(),
            ["TerminateOnNaN"] = Text(options.TerminateOnNaN),
            ["ReduceLROnPlateau"] = options.ReduceLROnPlateau?.ToString() ?? "none",
        };
        using var spec = JsonSerializer.SerializeToDocument(model.Spec, ModelFile.Json);
        foreach (var property in spec.RootElement.EnumerateObject())
            settings["model." + property.Name] = property.Value.GetRawText();
        return settings;
    }

    /// <summary>The settings that differ, as "name: backup X, this run Y".</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> backup, IReadOnlyDictionary<string, string> run) =>
        backup.Keys.Union(run.Keys).OrderBy(k => k, StringComparer.Ordinal)
            .Where(k => !backup.TryGetValue(k, out var a) || !run.TryGetValue(k, out var b) || a != b)
            .Select(k => $"{k}: backup {Value(backup, k)}, this run {Value(run, k)}")
            .ToList();

    private static string Value(IReadOnlyDictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) ? value : "(not set)";

    private static string WeightsSha256(MnistModel model)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) model.WriteWeights(writer);
        return MnistFiles.Sha256Hex(buffer.ToArray());
    }

    private static string Text(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
