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
    public List<EpochRecord> History { get; init; } = new();
    public EvaluationRecord? LastEvaluation { get; init; }
    public string? DataName { get; init; }
    public Dictionary<string, string> DataChecksums { get; init; } = new();
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
        History = model.History.ToList(),
        LastEvaluation = model.LastEvaluation is { } e ? EvaluationRecord.From(e) : null,
        DataName = model.DataName,
        DataChecksums = new Dictionary<string, string>(model.DataChecksums),
        ModuleVersion = ModelFile.ModuleVersion,
        TorchSharpVersion = ModelFile.TorchSharpVersion,
        Created = model.Created,
        Saved = DateTimeOffset.Now,
        WeightsSha256 = weightsSha256,
    };

    public MnistModel CreateModel()
    {
        var model = new MnistModel(Spec);
        model.RestoreHistory(History);
        model.LastEvaluation = LastEvaluation?.ToEvaluation();
        model.DataName = DataName;
        model.DataChecksums = DataChecksums;
        model.Created = Created;
        return model;
    }
}

internal sealed record EvaluationRecord(double Loss, int[][] ConfusionMatrix, List<string> ClassNames, string Split, string? DataName, DateTimeOffset When)
{
    public static EvaluationRecord From(MnistEvaluation e) => new(e.Loss, e.ConfusionMatrix, e.ClassNames.ToList(), e.Split, e.DataName, e.When);

    public MnistEvaluation ToEvaluation() => new(Loss, ConfusionMatrix, ClassNames, Split, DataName) { When = When };
}
