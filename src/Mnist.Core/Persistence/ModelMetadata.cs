using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Persistence;

/// <summary>What model.json holds: the model's record, the summary rows, the weights' checksum and the format's own fields.</summary>
internal sealed record ModelMetadata : ModelRecord
{
    public string Kind { get; init; } = ModelFile.Kind;
    public int FormatVersion { get; init; } = ModelFile.FormatVersion;
    public List<LayerInfo> Layers { get; init; } = new();
    public long ParameterCount { get; init; }

    /// <summary>Format 1 kept only these two of the training data; read for old files.</summary>
    public string? DataName { get; init; }
    public Dictionary<string, string>? DataChecksums { get; init; }
    public DateTimeOffset Saved { get; init; }
    public string WeightsSha256 { get; init; } = "";

    public static ModelMetadata From(MnistModel model, string weightsSha256) => Fill(new ModelMetadata
    {
        Layers = model.Layers.ToList(),
        ParameterCount = model.ParameterCount,
        Saved = DateTimeOffset.Now,
        WeightsSha256 = weightsSha256,
    }, model);

    public override string? Problem()
    {
        if (base.Problem() is { } problem) return problem;
        if (string.IsNullOrEmpty(WeightsSha256)) return "WeightsSha256 is missing";
        if (DataChecksums is not null && DataChecksums.Any(p => p.Key is null || p.Value is null)) return "DataChecksums has an empty entry";
        return null;
    }

    protected override DataIdentity? TrainingDataIdentity(MnistModel model)
    {
        if (TrainingData is { } data) return data.ToIdentity();
        if (DataName is null || DataChecksums is null) return null;
        // Format 1: the data's class names were the model's, and its split sizes were those of the known dataset.
        var known = DatasetCatalog.Recognise(DataChecksums);
        return new DataIdentity(DataName, DataChecksums, model.ClassNames,
            known is null ? History.FirstOrDefault()?.Samples ?? 0 : 60_000, known is null ? 0 : 10_000);
    }
}

internal sealed record DataIdentityRecord(string Name, Dictionary<string, string> Checksums, List<string> ClassNames, int TrainCount, int TestCount)
{
    /// <summary>The parts of joined data, in order (absent for data that was not joined, and in files before joins).</summary>
    public List<DataIdentityRecord>? Parts { get; init; }

    public static DataIdentityRecord From(DataIdentity d) =>
        new(d.Name, d.Checksums.ToDictionary(p => p.Key, p => p.Value), d.ClassNames.ToList(), d.TrainCount, d.TestCount)
        {
            Parts = d.IsJoined ? d.Parts.Select(From).ToList() : null,
        };

    public DataIdentity ToIdentity() => new(Name, Checksums, ClassNames, TrainCount, TestCount, Parts?.Select(p => p.ToIdentity()).ToList());

    public string? Problem() =>
        string.IsNullOrWhiteSpace(Name) ? "Name is missing"
        : Checksums is null || Checksums.Any(p => p.Key is null || p.Value is null) ? "Checksums are missing"
        : ClassNames is null || ClassNames.Count < 2 || ClassNames.Any(string.IsNullOrWhiteSpace) ? "ClassNames are missing"
        : TrainCount < 0 || TestCount < 0 ? "a split size is negative"
        : Parts is not null ? PartsProblem(Parts)
        : null;

    /// <summary>Parts are plain datasets (joins are flattened), with this data's classes, adding up to its split sizes.</summary>
    private string? PartsProblem(List<DataIdentityRecord> parts)
    {
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i] is null) return $"Parts[{i}] is missing";
            if (parts[i].Parts is not null) return $"Parts[{i}] has parts of its own";
            if (parts[i].Problem() is { } problem) return $"Parts[{i}]: {problem}";
            if (!parts[i].ClassNames.SequenceEqual(ClassNames)) return $"Parts[{i}] has other class names";
        }
        return parts.Sum(p => (long)p.TrainCount) != TrainCount || parts.Sum(p => (long)p.TestCount) != TestCount
            ? "the parts' split sizes do not add up to the data's"
            : null;
    }
}

internal sealed record EvaluationRecord(double Loss, int[][] ConfusionMatrix, List<string> ClassNames, string Split, string? DataName, DateTimeOffset When)
{
    public string? Model { get; init; }
    public DataIdentityRecord? Data { get; init; }

    public static EvaluationRecord From(MnistEvaluation e) => new(e.Loss, e.ConfusionMatrix, e.ClassNames.ToList(), e.Split, e.DataName, e.When)
    {
        Model = e.Model,
        Data = e.Data is { } d ? DataIdentityRecord.From(d) : null,
    };

    public MnistEvaluation ToEvaluation() => new(Loss, ConfusionMatrix, ClassNames, Split, DataName)
    {
        When = When,
        Model = Model,
        Data = Data?.ToIdentity(),
    };
}
