using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>
/// A classifier and everything known about it: how it was built, how it was trained, on what, and how it scored.
/// The network outputs logits; probabilities are its softmax, and the loss is categorical cross-entropy.
/// </summary>
public sealed class MnistModel : IDisposable
{
    private readonly List<EpochRecord> _history = new();
    private optim.Optimizer? _optimizer;

    public MnistModel(ModelSpec spec)
    {
        spec.Validate();
        Spec = spec;
        Generator = new Generator((ulong)spec.Seed);
        (Network, Layers) = NetworkBuilder.Build(spec, Generator);
        TrainableParameterCount = Network.parameters().Sum(p => p.numel());
        NonTrainableParameterCount = Network.named_buffers()
            .Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var")).Sum(b => b.buffer.numel());
        Network.eval();
    }

    public ModelSpec Spec { get; }
    public Architecture Architecture => Spec.Architecture;
    public IReadOnlyList<LayerInfo> Layers { get; }
    /// <summary>All parameters, counted as Keras does: trainable weights plus batch norm's moving statistics.</summary>
    public long ParameterCount => TrainableParameterCount + NonTrainableParameterCount;
    public long TrainableParameterCount { get; }
    public long NonTrainableParameterCount { get; }
    public string Optimizer => Spec.Optimizer.ToString();
    public double LearningRate => Spec.LearningRate;
    public string Loss => "categorical_crossentropy";
    public long Seed => Spec.Seed;
    public bool IsTrained => _history.Count > 0;
    public int EpochsTrained => _history.Count;
    public IReadOnlyList<EpochRecord> History => _history;

    /// <summary>The dataset the model was last trained on; Test-MnistModel uses its test split by default.</summary>
    public MnistDataset? TrainedOn { get; internal set; }

    /// <summary>Checksums of the training data, kept when the model is saved and re-imported.</summary>
    public IReadOnlyDictionary<string, string> DataChecksums { get; internal set; } = new Dictionary<string, string>();

    public string? DataName { get; internal set; }
    public MnistEvaluation? LastEvaluation { get; set; }
    public DateTimeOffset Created { get; internal set; } = DateTimeOffset.Now;

    /// <summary>Where the model was imported from or last exported to, when it was.</summary>
    public string? FilePath { get; internal set; }

    public nn.Module<Tensor, Tensor> Network { get; }
    public Generator Generator { get; }

    /// <summary>The optimizer keeps its state (Adam's moments) across calls, so training can continue.</summary>
    internal optim.Optimizer OptimizerInstance => _optimizer ??= CreateOptimizer();

    /// <summary>Whether the optimizer exists yet (it is created by the first training step, or by a loaded state).</summary>
    internal bool HasOptimizer => _optimizer is not null;

    internal void AddHistory(EpochRecord record) => _history.Add(record);

    internal void RestoreHistory(IEnumerable<EpochRecord> records)
    {
        _history.Clear();
        _history.AddRange(records);
    }

    /// <summary>The Keras-style summary table.</summary>
    public string Summary => ModelSummary.Format(this);

    private optim.Optimizer CreateOptimizer()
    {
        var parameters = Network.parameters();
        return Spec.Optimizer switch
        {
            OptimizerKind.Adam => optim.Adam(parameters, Spec.LearningRate, weight_decay: Spec.WeightDecay),
            OptimizerKind.AdamW => optim.AdamW(parameters, Spec.LearningRate, weight_decay: Spec.WeightDecay > 0 ? Spec.WeightDecay : 0.01),
            OptimizerKind.Sgd => optim.SGD(parameters, Spec.LearningRate, momentum: Spec.Momentum, weight_decay: Spec.WeightDecay),
            OptimizerKind.RmsProp => optim.RMSProp(parameters, Spec.LearningRate, weight_decay: Spec.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(),
        };
    }

    internal void SetLearningRate(double rate)
    {
        foreach (var group in OptimizerInstance.ParamGroups) group.LearningRate = rate;
    }

    public override string ToString() =>
        $"{Architecture} model, {ParameterCount:N0} parameters, {(IsTrained ? $"trained {EpochsTrained} epochs" : "untrained")}";

    public void Dispose()
    {
        _optimizer?.Dispose();
        Network.Dispose();
        Generator.Dispose();
    }
}
