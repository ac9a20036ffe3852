using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Persistence;

/// <summary>What model.json holds.</summary>
internal sealed record ModelMetadata
{
    public string Kind { get; init; } = ModelFile.Kind;
    public int FormatVersion { get; init; } = ModelFile.FormatVersion;
    public ModelSpec Spec { get; init; } = new();
    public List<LayerInfo> Layers { get; init; } = new();
    public long ParameterCount { get; init; }
    public string? Name { get; init; }
    public List<string>? ClassNames { get; init; }
    public List<EpochRecord> History { get; init; } = new();
    public EvaluationRecord? LastEvaluation { get; init; }
    public DataIdentityRecord? TrainingData { get; init; }
    public SchedulePlan? SchedulePlan { get; init; }

    /// <summary>Format 1 kept only these two of the training data; read for old files.</summary>
    public string? DataName { get; init; }
    public Dictionary<string, string>? DataChecksums { get; init; }
    public string ModuleVersion { get; init; } = "";
    public string TorchSharpVersion { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Saved { get; init; }
    public string WeightsSha256 { get; init; } = "";

    public static ModelMetadata From(MnistModel model, string weightsSha256) => new()
    {
        Spec = model.Spec,
        Layers = model.Layers.ToList(),
        ParameterCount = model.ParameterCount,
        Name = model.Name,
        ClassNames = model.ClassNames.ToList(),
        History = model.History.ToList(),
        LastEvaluation = model.LastEvaluation is { } e ? EvaluationRecord.From(e) : null,
        TrainingData = model.TrainingData is { } d ? DataIdentityRecord.From(d) : null,
        SchedulePlan = model.SchedulePlan,
        ModuleVersion = ModelFile.ModuleVersion,
        TorchSharpVersion = ModelFile.TorchSharpVersion,
        Created = model.Created,
        Saved = DateTimeOffset.Now,
        WeightsSha256 = weightsSha256,
    };

    public MnistModel CreateModel()
    {
        var model = new MnistModel(Spec, ClassNames, Name);
        model.RestoreRecord(History, LastEvaluation?.ToEvaluation(), TrainingDataIdentity(model), SchedulePlan, Created);
        return model;
    }

    private DataIdentity? TrainingDataIdentity(MnistModel model)
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
    public static DataIdentityRecord From(DataIdentity d) =>
        new(d.Name, d.Checksums.ToDictionary(p => p.Key, p => p.Value), d.ClassNames.ToList(), d.TrainCount, d.TestCount);

    public DataIdentity ToIdentity() => new(Name, Checksums, ClassNames, TrainCount, TestCount);
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
