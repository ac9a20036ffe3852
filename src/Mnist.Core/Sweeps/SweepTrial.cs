using System.Collections.Specialized;
using System.Text.Json.Nodes;

namespace Mnist.Core.Sweeps;

/// <summary>One row of a sweep's results: a trial's settings, where it stands, and its best epoch's figures.</summary>
public sealed class SweepTrial
{
    /// <summary>1 for the best of the succeeded trials by the sweep's monitor; null for trials without a result.</summary>
    public int? Rank { get; private set; }
    public int Trial { get; init; }
    public TrialStatus Status { get; init; }

    /// <summary>The swept parameters' values for this trial, in the sweep's order (also on the row as properties of their own).</summary>
    public OrderedDictionary Settings { get; init; } = new();
    public string Description { get; init; } = "";
    public string Monitor { get; init; } = SweepMonitor.Default;

    /// <summary>The monitored figure at the best epoch.</summary>
    public double? Score { get; init; }
    public int? BestEpoch { get; init; }
    public int? Epochs { get; init; }
    public double? ValAccuracy { get; init; }
    public double? ValLoss { get; init; }
    public double? Accuracy { get; init; }
    public double? Loss { get; init; }
    public double? Seconds { get; init; }

    /// <summary>The machine the trial ran on: 'localhost' for a process here, else the host name it was sent to.</summary>
    public string? Host { get; init; }

    /// <summary>The process the trial was trained in (on its host).</summary>
    public int? ProcessId { get; init; }

    /// <summary>Why a trial failed or has not run.</summary>
    public string? Reason { get; init; }
    public int Attempts { get; init; }

    /// <summary>The trained model's file, for succeeded trials.</summary>
    public string? ModelPath { get; init; }
    public string Path { get; init; } = "";

    public static SweepTrial From(TrialSettings settings, string trialPath, string monitor, bool sweepRunning = true)
    {
        var state = SweepFolder.ReadState(trialPath);
        if (state.Status == TrialStatus.Running && !sweepRunning)
            state = state with { Status = TrialStatus.Stopped, Reason = StoppedWithSweep };
        var outcome = state.Status == TrialStatus.Succeeded ? TrialOutcome.Read(trialPath) : null;
        var values = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in settings.Values) values[name] = ToClr(value);
        var model = System.IO.Path.Combine(trialPath, TrialOutcome.ModelFileName);
        return new SweepTrial
        {
            Trial = settings.Number,
            Status = state.Status,
            Settings = values,
            Description = settings.Description,
            Monitor = monitor,
            Score = outcome?.Score,
            BestEpoch = outcome?.BestEpoch,
            Epochs = outcome?.Epochs,
            ValAccuracy = outcome?.ValAccuracy,
            ValLoss = outcome?.ValLoss,
            Accuracy = outcome?.Accuracy,
            Loss = outcome?.Loss,
            Seconds = outcome?.Seconds,
            Host = outcome?.Host ?? state.Host,
            ProcessId = outcome?.ProcessId,
            Reason = state.Reason,
            Attempts = state.Attempts,
            ModelPath = outcome is not null && File.Exists(model) ? model : null,
            Path = trialPath,
        };
    }

    /// <summary>Best first by the monitor (ties by trial number); trials without a score after them, in trial order.</summary>
    public static IReadOnlyList<SweepTrial> Ranked(IReadOnlyList<SweepTrial> trials, string monitor)
    {
        bool higher = SweepMonitor.HigherIsBetter(monitor);
        var scored = trials.Where(t => t.Score is not null)
            .OrderBy(t => higher ? -t.Score!.Value : t.Score!.Value).ThenBy(t => t.Trial).ToList();
        for (int i = 0; i < scored.Count; i++) scored[i].Rank = i + 1;
        return scored.Concat(trials.Where(t => t.Score is null).OrderBy(t => t.Trial)).ToList();
    }

    /// <summary>A JSON value as PowerShell shows and compares it: text, whole numbers as Int64, others as Double, lists as arrays.</summary>
    public static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonArray items => items.Select(ToClr).ToArray(),
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => node.ToJsonString(),
    };

    public const string StoppedWithSweep = "its sweep ended while it ran (the sweep's process was killed); the sweep's next run resumes it";

    public override string ToString() => $"Trial {Trial} ({Status}): {Description}" + (Score is double s ? $" - {Monitor}: {s:F4}" : "");
}
