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

    /// <summary>
    /// What is wrong with the values a file gave (nulls, impossible sizes, NaN), or null. Runs before anything is
    /// built from them; the spec's own ranges are checked by <see cref="ModelSpec.Validate"/>.
    /// </summary>
    public string? Problem()
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
        if (string.IsNullOrEmpty(WeightsSha256)) return "WeightsSha256 is missing";
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
        if (DataChecksums is not null && DataChecksums.Any(p => p.Key is null || p.Value is null)) return "DataChecksums has an empty entry";
        return null;
    }

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
