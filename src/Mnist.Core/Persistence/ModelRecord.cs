using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Persistence;

/// <summary>
/// What every model file keeps besides the weights, in one shape: the network (its spec, with its layer list), what it
/// classifies, what it was trained on, how training went and how it last scored. The module's own file holds it as
/// model.json, the PyTorch export as the JSON beside the state_dict, the ONNX export as one metadata entry; each
/// reads it back with <see cref="Problem"/> and <see cref="CreateModel"/>.
/// </summary>
internal record ModelRecord
{
    public ModelSpec Spec { get; init; } = new();
    public string? Name { get; init; }
    public List<string>? ClassNames { get; init; }
    public List<EpochRecord> History { get; init; } = new();
    public EvaluationRecord? LastEvaluation { get; init; }
    public DataIdentityRecord? TrainingData { get; init; }
    public SchedulePlan? SchedulePlan { get; init; }
    public string ModuleVersion { get; init; } = "";
    public string TorchSharpVersion { get; init; } = "";
    public DateTimeOffset Created { get; init; }

    public static ModelRecord From(MnistModel model) => Fill(new ModelRecord(), model);

    /// <summary>The record (or a derived one) with the model's own values.</summary>
    protected static T Fill<T>(T record, MnistModel model) where T : ModelRecord => record with
    {
        Spec = model.Spec,
        Name = model.Name,
        ClassNames = model.ClassNames.ToList(),
        History = model.History.ToList(),
        LastEvaluation = model.LastEvaluation is { } e ? EvaluationRecord.From(e) : null,
        TrainingData = model.TrainingData is { } d ? DataIdentityRecord.From(d) : null,
        SchedulePlan = model.SchedulePlan,
        ModuleVersion = ModelFile.ModuleVersion,
        TorchSharpVersion = ModelFile.TorchSharpVersion,
        Created = model.Created,
    };

    /// <summary>
    /// What is wrong with the values a file gave (nulls, impossible sizes, NaN), or null. Runs before anything is
    /// built from them; the spec's own ranges are checked by <see cref="ModelSpec.Validate"/>.
    /// </summary>
    public virtual string? Problem()
    {
        if (Spec is null) return "Spec is missing";
        try
        {
            Spec.Validate();
        }
        catch (MnistException e)
        {
            return $"Spec.{e.Message}";
        }
        if (ClassNames is not null && (ClassNames.Count != Spec.Classes || ClassNames.Any(string.IsNullOrWhiteSpace)))
            return $"ClassNames must be {Spec.Classes} non-empty names";
        if (History is null || History.Any(h => h is null || h.Epoch < 1 || h.Samples < 0)) return "History has a missing or impossible row";
        if (History.FirstOrDefault(h => h.Augmentation?.Problem() is not null) is { } augmented)
            return $"History epoch {augmented.Epoch}: Augmentation {augmented.Augmentation!.Problem()}";
        if (History.FirstOrDefault(h => h.Precision is { } precision && !Enum.IsDefined(precision)) is { } unknown)
            return $"History epoch {unknown.Epoch}: Precision {(int)unknown.Precision!.Value} is not a known number format";
        if (SchedulePlan is { } plan && (plan.StartEpoch < 0 || plan.EndEpoch < plan.StartEpoch)) return "SchedulePlan is impossible";
        if (TrainingData is { } data && data.Problem() is { } dataProblem) return $"TrainingData: {dataProblem}";
        if (LastEvaluation is { } evaluation)
        {
            if (evaluation.ClassNames is null || evaluation.ClassNames.Any(string.IsNullOrWhiteSpace) || evaluation.Split is null)
                return "LastEvaluation lacks its class names or split";
            int n = evaluation.ClassNames.Count;
            if (evaluation.ConfusionMatrix is null || evaluation.ConfusionMatrix.Length != n ||
                evaluation.ConfusionMatrix.Any(row => row is null || row.Length != n || row.Any(v => v < 0)))
                return $"LastEvaluation.ConfusionMatrix must be {n}x{n} counts";
            if (evaluation.ConfusionMatrix.Sum(row => row.Sum(v => (long)v)) > int.MaxValue) return "LastEvaluation counts too many images";
            if (evaluation.Data is { } evaluated && evaluated.Problem() is { } evaluatedProblem) return $"LastEvaluation.Data: {evaluatedProblem}";
        }
        return null;
    }

    /// <summary>The model this record describes, untrained weights and all: History, evaluation and data identity restored.</summary>
    public MnistModel CreateModel()
    {
        var model = new MnistModel(Spec, ClassNames, Name);
        model.RestoreRecord(History, LastEvaluation?.ToEvaluation(), TrainingDataIdentity(model), SchedulePlan, Created);
        return model;
    }

    protected virtual DataIdentity? TrainingDataIdentity(MnistModel model) => TrainingData?.ToIdentity();
}
