using System.Text.Json;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;

namespace Mnist.Core.Sweeps;

/// <summary>
/// What a finished trial reports (trials/NNN/result.json, written by the trial's process beside its model): the best
/// epoch by the sweep's monitor and that epoch's figures, as Keras Tuner scores a trial by its best epoch.
/// </summary>
public sealed record TrialOutcome
{
    public const string FileName = "result.json";
    public const string ModelFileName = "model.model";

    public int Epochs { get; init; }
    public int? BestEpoch { get; init; }
    public string Monitor { get; init; } = SweepMonitor.Default;
    public double? Score { get; init; }
    public double? Loss { get; init; }
    public double? Accuracy { get; init; }
    public double? ValLoss { get; init; }
    public double? ValAccuracy { get; init; }
    public double Seconds { get; init; }
    public string? Host { get; init; }

    /// <summary>The process that trained it (on <see cref="Host"/>).</summary>
    public int ProcessId { get; init; }

    public static TrialOutcome Of(MnistModel model, string monitor, double seconds, string? host)
    {
        var rows = model.History;
        var best = rows.Where(r => SweepMonitor.Value(r, monitor) is double v && double.IsFinite(v))
            .OrderBy(r => SweepMonitor.HigherIsBetter(monitor) ? -SweepMonitor.Value(r, monitor)!.Value : SweepMonitor.Value(r, monitor)!.Value)
            .ThenBy(r => r.Epoch)
            .FirstOrDefault();
        return new TrialOutcome
        {
            Epochs = rows.Count == 0 ? 0 : rows[^1].Epoch,
            BestEpoch = best?.Epoch,
            Monitor = monitor,
            Score = best is null ? null : SweepMonitor.Value(best, monitor),
            Loss = best?.Loss,
            Accuracy = best?.Accuracy,
            ValLoss = best?.ValLoss,
            ValAccuracy = best?.ValAccuracy,
            Seconds = Math.Round(seconds, 2),
            Host = host,
            ProcessId = Environment.ProcessId,
        };
    }

    /// <summary>The trial's process saves its model, then its result: a result.json means the model beside it is whole.</summary>
    public static void Save(string trialPath, MnistModel model, string monitor, double seconds, string? host)
    {
        ModelFile.Save(model, Path.Combine(trialPath, ModelFileName), overwrite: true);
        Write(trialPath, Of(model, monitor, seconds, host));
    }

    public static void Write(string trialPath, TrialOutcome outcome) =>
        AtomicFile.Write(Path.Combine(trialPath, FileName), s => JsonSerializer.Serialize(s, outcome, SweepJson.Options), overwrite: true);

    /// <summary>
    /// A trial trained on another machine: its model's bytes and result, checked (the model must load, and be the
    /// model the result describes) before they are written into the trial's folder.
    /// </summary>
    public static void Receive(string trialPath, byte[]? model, string? result, string host)
    {
        if (model is null || model.Length == 0 || string.IsNullOrEmpty(result))
            throw new MnistException("SweepTrialIncomplete", MnistErrorKind.InvalidData, $"'{host}' sent back no model or no result for '{trialPath}'.", trialPath);
        var outcome = FromJson(result, $"the result sent by '{host}'") with { Host = host };
        var target = Path.Combine(trialPath, ModelFileName);
        AtomicFile.Write(target, s => s.Write(model), overwrite: true);
        using (var loaded = ModelFile.Load(target))
        {
            int epochs = loaded.History.Count == 0 ? 0 : loaded.History[^1].Epoch;
            if (epochs != outcome.Epochs)
                throw new MnistException("SweepTrialIncomplete", MnistErrorKind.InvalidData,
                    $"The model '{host}' sent back has {epochs} epochs of History; its result says {outcome.Epochs}.", trialPath);
        }
        Write(trialPath, outcome);
    }

    public string ToJson() => JsonSerializer.Serialize(this, SweepJson.Options);

    public static TrialOutcome? Read(string trialPath) => SweepJson.ReadFile<TrialOutcome>(Path.Combine(trialPath, FileName));

    public static TrialOutcome FromJson(string text, string source) => SweepJson.Parse<TrialOutcome>(text, source);
}

/// <summary>The figures a sweep can rank by: Keras' names for a History row's columns.</summary>
public static class SweepMonitor
{
    public const string Default = "val_accuracy";
    public static readonly IReadOnlyList<string> Names = new[] { "val_accuracy", "val_loss", "accuracy", "loss" };

    public static bool HigherIsBetter(string monitor) => monitor.EndsWith("accuracy", StringComparison.Ordinal);

    public static double? Value(EpochRecord row, string monitor) => monitor switch
    {
        "val_accuracy" => row.ValAccuracy,
        "val_loss" => row.ValLoss,
        "accuracy" => row.Accuracy,
        "loss" => row.Loss,
        _ => throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
            $"'{monitor}' is not a figure a sweep can rank by; use one of {string.Join(", ", Names)}.", monitor),
    };
}
