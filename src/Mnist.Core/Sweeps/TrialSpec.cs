using System.Text.Json.Nodes;

namespace Mnist.Core.Sweeps;

/// <summary>
/// What a trial's process needs to train (trials/NNN/trial.json): the parameters for New-MnistModel and for
/// Invoke-MnistTraining as the sweep split them, the threads, the monitor and where its data is.
/// </summary>
public sealed record TrialSpec
{
    public const string FileName = "trial.json";

    public int Number { get; init; }
    public string SweepId { get; init; } = "";
    public string Description { get; init; } = "";
    public JsonObject Model { get; init; } = new();
    public JsonObject Training { get; init; } = new();
    public int? ThreadCount { get; init; }

    /// <summary>How many trials share the machine at once (a remote machine divides its own cores by it when ThreadCount is unset).</summary>
    public int TrialsAtOnce { get; init; } = 1;
    public string Monitor { get; init; } = SweepMonitor.Default;

    /// <summary>The data file, relative to the trial's folder.</summary>
    public string DataFile { get; init; } = "";

    /// <summary>The data's identity (JSON): a remote machine that has it cached loads it instead of receiving it.</summary>
    public string DataIdentity { get; init; } = "";
    public bool DataIsKnown { get; init; }

    public static TrialSpec Read(string trialPath) =>
        SweepJson.ReadFile<TrialSpec>(Path.Combine(trialPath, FileName))
        ?? throw new MnistException("SweepFolderInvalid", MnistErrorKind.InvalidData, $"'{trialPath}' has no {FileName}.", trialPath);

    public void Write(string trialPath) => SweepJson.WriteFile(Path.Combine(trialPath, FileName), this);

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, SweepJson.Options);

    public static TrialSpec FromJson(string text) => SweepJson.Parse<TrialSpec>(text, "the trial's settings");

    /// <summary>The data's full path for a trial in <paramref name="trialPath"/>.</summary>
    public string DataPath(string trialPath) => Path.GetFullPath(Path.Combine(trialPath, DataFile));
}
