using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling.Layers;
using Mnist.Core.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>
/// A classifier and everything known about it: how it was built, what it classifies (class names, image shape),
/// what it was trained on (the data's identity, not the data), how training went and how it last scored.
/// The network outputs logits; probabilities are its softmax, and the loss is categorical cross-entropy.
/// It changes only through its own methods.
/// </summary>
public sealed class MnistModel : IDisposable
{
    private readonly List<EpochRecord> _history = new();
    private optim.Optimizer? _optimizer;

    public MnistModel(ModelSpec spec, IReadOnlyList<string>? classNames = null, string? name = null)
    {
        spec.Validate();
        classNames ??= DatasetCatalog.DefaultClassNames(spec.Classes);
        if (classNames.Count != spec.Classes)
            throw new MnistException("InvalidModelSpec", MnistErrorKind.InvalidArgument,
                $"ClassNames: the model has {spec.Classes} classes but {classNames.Count} class names were given.", "ClassNames");
        Description = spec.Describe();
        Spec = spec.Layers is null ? spec with { Layers = Description.Texts.ToArray() } : spec;
        ClassNames = classNames.ToArray();
        Name = string.IsNullOrWhiteSpace(name) ? DefaultName(spec) : name;
        _generator = new Generator((ulong)spec.Seed);
        (_network, Layers) = NetworkBuilder.Build(Description, _generator);
        _network.eval();
        _usage = new ModelUsage(ReleaseNative, _network);
    }

    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly Generator _generator;
    private readonly ModelUsage _usage;

    /// <summary>A short name for tables and evaluations: the architecture, its hidden layers and the seed.</summary>
    public string Name { get; private set; }
    public ModelSpec Spec { get; private set; }
    public Architecture Architecture => Spec.Architecture;
    public IReadOnlyList<LayerInfo> Layers { get; }
    /// <summary>All parameters, counted as Keras does: trainable weights plus batch norm's moving statistics.</summary>
    public long ParameterCount => TrainableParameterCount + NonTrainableParameterCount;
    public long TrainableParameterCount => Description.TrainableParameters;
    /// <summary>Batch normalisation's moving means and variances, counted as Keras counts them.</summary>
    public long NonTrainableParameterCount => Description.NonTrainableParameters;

    /// <summary>The network in Keras' words, one layer a string: New-MnistModel builds the same network from them.</summary>
    public IReadOnlyList<string> LayerDefinitions => Description.Texts;

    /// <summary>The logical network: layers, shapes and parameters, from which the running network and its exports follow.</summary>
    internal NetworkDescription Description { get; }
    public string Optimizer => Spec.Optimizer.ToString();
    public double LearningRate => Spec.LearningRate;
    /// <summary>Adam's and AdamW's two decay rates (beta1, beta2).</summary>
    public double[] Betas => new[] { Spec.Beta1, Spec.Beta2 };
    public LearningRateSchedule Schedule => Spec.Schedule;
    /// <summary>The batch size a training uses unless it is given one.</summary>
    public int BatchSize => Spec.BatchSize;
    public string Loss => "categorical_crossentropy";
    public long Seed => Spec.Seed;

    /// <summary>What the model's outputs mean, in output order: predictions are named from these.</summary>
    public IReadOnlyList<string> ClassNames { get; private set; }
    public int InputRows => Spec.InputRows;
    public int InputColumns => Spec.InputColumns;
    public string InputShape => $"{Spec.InputRows}x{Spec.InputColumns}";

    public bool IsTrained => _history.Count > 0;
    /// <summary>The epochs in the weights: after early stopping restored an earlier epoch's weights, that epoch.</summary>
    public int EpochsTrained => _history.Count(h => h.InWeights);
    public IReadOnlyList<EpochRecord> History => _history;

    /// <summary>The random changes of its last epoch trained with augmentation (-Augment), or null when none was.</summary>
    public AugmentationOptions? Augmentation => _history.LastOrDefault(h => h.Augmentation is not null)?.Augmentation;

    /// <summary>The data the model was last trained on: name, checksums, class names and split sizes (never the data itself).</summary>
    public DataIdentity? TrainingData { get; private set; }

    /// <summary>The span of epochs the current learning-rate schedule was planned over (continued by the next training).</summary>
    public SchedulePlan? SchedulePlan { get; private set; }

    public MnistEvaluation? LastEvaluation { get; private set; }

    /// <summary>The accuracy of the last evaluation, if any.</summary>
    public double? Accuracy => LastEvaluation?.Accuracy;
    public DateTimeOffset Created { get; private set; } = DateTimeOffset.Now;

    /// <summary>Where the model was imported from or last exported to, when it was.</summary>
    public string? FilePath { get; private set; }

    /// <summary>The running network; touching it after the model was disposed is a module error, never a native crash.</summary>
    internal nn.Module<Tensor, Tensor> Network => _usage.Released ? throw ModelUsage.Disposed(this) : _network;
    internal Generator Generator => _usage.Released ? throw ModelUsage.Disposed(this) : _generator;

    /// <summary>The error ids of a model used after Dispose(), and of a second training of a model in training.</summary>
    public const string DisposedErrorId = "ModelDisposed", InTrainingErrorId = "ModelInTraining";

    /// <summary>Whether Dispose() was called (a model in use is released when that use ends, and refused from then on).</summary>
    public bool IsDisposed => _usage.DisposeRequested;

    /// <summary>Refuses a disposed model with the module's error (ModelDisposed), before any work starts.</summary>
    public void ThrowIfDisposed()
    {
        if (IsDisposed) throw ModelUsage.Disposed(this);
    }

    /// <summary>A use of the weights (prediction, evaluation, save): refused once disposed; Dispose waits for it to end.</summary>
    internal IDisposable BeginUse() => _usage.Enter(this);

    /// <summary>The model's one training: a second at the same time is refused (ModelInTraining).</summary>
    internal IDisposable BeginExclusiveTraining() => _usage.EnterTraining(this);

    /// <summary>
    /// A change of the network (a training step, a switch of mode, weights put back): readers on other threads wait
    /// for it to end, and it waits for those inside, so none sees half a step or runs in training mode.
    /// </summary>
    internal IDisposable BeginNetworkChange() => _usage.BeginChange();

    /// <summary>The optimizer keeps its state (Adam's moments) across calls, so training can continue.</summary>
    internal optim.Optimizer OptimizerInstance => _optimizer ??= CreateOptimizer();

    /// <summary>Whether the optimizer exists yet (it is created by the first training step, or by a loaded state).</summary>
    internal bool HasOptimizer => _optimizer is not null;

    /// <summary>The Keras-style summary table.</summary>
    public string Summary => ModelSummary.Format(this);

    /// <summary>Restarts the model's random generator (dropout masks, shuffling) from a new seed; Seed says so after.</summary>
    public void Reseed(long seed)
    {
        if (seed < 0) throw new MnistException("InvalidSeed", MnistErrorKind.InvalidArgument, $"A seed is 0 or more, not {seed}.", seed);
        ThrowIfDisposed();
        // Its generator draws the running training's dropout masks and order: not changed under it.
        if (_usage.InTraining) throw ModelUsage.InTrainingError(this);
        Generator.manual_seed(seed);
        Spec = Spec with { Seed = seed };
    }

    public void Rename(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new MnistException("InvalidModelName", MnistErrorKind.InvalidArgument, "A model name cannot be empty.", name);
        Name = name;
    }

    /// <summary>Keeps an evaluation as the model's last one (Test-MnistModel does this).</summary>
    public void RecordEvaluation(MnistEvaluation evaluation) => LastEvaluation = evaluation;

    /// <summary>
    /// Refuses data this model cannot be trained or scored on: another image shape, or other classes. An untrained
    /// model with the right number of classes is not yet committed to any names and accepts them.
    /// </summary>
    public void CheckData(string dataName, int rows, int columns, IReadOnlyList<string> classNames, object? target, bool forTraining)
    {
        if (rows != InputRows || columns != InputColumns)
            throw new MnistException("ModelDataMismatch", MnistErrorKind.InvalidArgument,
                $"Model '{Name}' takes {InputShape} images; the data '{dataName}' has {rows}x{columns} images.", target);
        if (classNames.SequenceEqual(ClassNames)) return;
        if (forTraining && !IsTrained && classNames.Count == ClassNames.Count) return;
        throw new MnistException("ModelClassesMismatch", MnistErrorKind.InvalidArgument,
            $"Model '{Name}' classifies {Describe(ClassNames)}; the data '{dataName}' has the classes {Describe(classNames)}. " +
            "Scores across different classes would be meaningless.", target);
    }

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count <= 10 ? $"[{string.Join(", ", names)}]" : $"[{string.Join(", ", names.Take(10))}, ... ({names.Count} classes)]";

    /// <summary>
    /// Training starts on this data: the model takes its class names (if untrained), its identity and a schedule plan.
    /// Returns what to put back if not one epoch completes.
    /// </summary>
    internal Action BeginTrainingOn(DataIdentity data, int epochs)
    {
        var (classNames, trainingData, previousPlan, history) = (ClassNames, TrainingData, SchedulePlan, _history.ToList());
        Action undo = () =>
        {
            (ClassNames, TrainingData, SchedulePlan) = (classNames, trainingData, previousPlan);
            _history.Clear();
            _history.AddRange(history);
        };
        if (!IsTrained) ClassNames = data.ClassNames.ToArray();
        // Epochs trained past restored weights describe a path these weights did not take: training goes on from the weights.
        _history.RemoveAll(h => !h.InWeights);
        TrainingData = data;
        int trained = EpochsTrained;
        SchedulePlan = SchedulePlan is { } plan && plan.EndEpoch > trained
            ? plan with { EndEpoch = Math.Max(plan.EndEpoch, trained + epochs) }
            : new SchedulePlan(trained, trained + epochs);
        return undo;
    }

    internal void AddHistory(EpochRecord record) => _history.Add(record);

    /// <summary>Early stopping put back the weights of <paramref name="epoch"/>: History keeps the later epochs, marked as not in the weights.</summary>
    internal void MarkWeightsRestoredTo(int epoch)
    {
        for (int i = 0; i < _history.Count; i++)
            if (_history[i].Epoch > epoch) _history[i] = _history[i] with { InWeights = false };
    }

    internal void SetLearningRate(double rate)
    {
        foreach (var group in OptimizerInstance.ParamGroups) group.LearningRate = rate;
    }

    /// <summary>The weights and moving statistics under their state names ("dense.0.weight"), to read (exports, checks).</summary>
    internal Dictionary<string, Tensor> State => Network.state_dict();

    /// <summary>Writes the weights in TorchSharp's format (the module's own file).</summary>
    internal void WriteWeights(BinaryWriter writer) => Network.save(writer);

    /// <summary>Reads weights in TorchSharp's format; every name and shape must be the network's.</summary>
    internal void ReadWeights(BinaryReader reader) => Network.load(reader, strict: true);

    /// <summary>Writes the weights as a PyTorch state_dict (torch.save's format).</summary>
    internal void WritePyTorchWeights(Stream stream) => Network.save_py(stream, leaveOpen: true);

    /// <summary>Puts in the given values, one per state name given (checked by the caller against <see cref="State"/>).</summary>
    internal void CopyState(IEnumerable<KeyValuePair<string, Tensor>> values)
    {
        var state = Network.state_dict();
        using var _ = no_grad();
        foreach (var (key, value) in values) state[key].copy_(value);
    }

    /// <summary>The random generator's state (libtorch's bytes), and putting one back: a saved model goes on drawing where it stopped.</summary>
    internal byte[] GeneratorState
    {
        get
        {
            using var state = Generator.get_state();
            return state.data<byte>().ToArray();
        }
    }

    internal void RestoreGenerator(byte[] state)
    {
        using var tensor = torch.tensor(state, ScalarType.Byte);
        Generator.set_state(tensor);
    }

    /// <summary>The state a training can be rolled back to: weights, optimizer state, generator and History.</summary>
    internal TrainingSnapshot CaptureTrainingState() => TrainingSnapshot.Capture(this);

    internal void RestoreTrainingState(TrainingSnapshot snapshot)
    {
        snapshot.RestoreInto(this);
        _history.RemoveRange(snapshot.HistoryCount, _history.Count - snapshot.HistoryCount);
    }

    internal void WriteOptimizerState(Stream stream)
    {
        if (OptimizerInstance is not TorchSharp.Modules.OptimizerHelper optimizer) return;
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optimizer.save_state_dict(writer);
    }

    internal void ReadOptimizerState(Stream stream)
    {
        if (OptimizerInstance is not TorchSharp.Modules.OptimizerHelper optimizer) return;
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optimizer.load_state_dict(reader);
    }

    /// <summary>What a model file restores besides the weights (see Persistence.ModelFile).</summary>
    internal void RestoreRecord(IEnumerable<EpochRecord> history, MnistEvaluation? lastEvaluation, DataIdentity? trainingData,
        SchedulePlan? plan, DateTimeOffset created)
    {
        _history.Clear();
        _history.AddRange(history);
        LastEvaluation = lastEvaluation;
        TrainingData = trainingData;
        SchedulePlan = plan;
        Created = created;
    }

    internal void SetFilePath(string path) => FilePath = path;

    private optim.Optimizer CreateOptimizer()
    {
        var parameters = Network.parameters().ToArray();
        return Spec.Optimizer switch
        {
            OptimizerKind.Adam => new FastPaths.Adam(parameters, Spec.LearningRate, Spec.Beta1, Spec.Beta2, Spec.WeightDecay),
            OptimizerKind.AdamW => new FastPaths.AdamW(parameters, Spec.LearningRate, Spec.Beta1, Spec.Beta2,
                Spec.WeightDecay > 0 ? Spec.WeightDecay : 0.01),
            OptimizerKind.Sgd => optim.SGD(parameters, Spec.LearningRate, momentum: Spec.Momentum, weight_decay: Spec.WeightDecay),
            OptimizerKind.RmsProp => optim.RMSProp(parameters, Spec.LearningRate, weight_decay: Spec.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(),
        };
    }

    private static string DefaultName(ModelSpec spec)
    {
        var shape = spec.Architecture == Architecture.Mlp ? "-" + string.Join("-", spec.HiddenUnits) : "";
        var kind = spec.Architecture == Architecture.Custom ? "sequential" : spec.Architecture.ToString().ToLowerInvariant();
        return $"{kind}{shape}#{spec.Seed}";
    }

    public override string ToString() =>
        $"{Rendering.SafeText.Of(Name)}: {Architecture}, {ParameterCount:N0} parameters, {(IsTrained ? $"trained {EpochsTrained} epochs on {Rendering.SafeText.Of(TrainingData?.Name)}" : "untrained")}";

    /// <summary>Frees the native weights, now or (while a training or prediction is using them) as soon as that ends.</summary>
    public void Dispose() => _usage.RequestDispose();

    private void ReleaseNative()
    {
        _optimizer?.Dispose();
        _network.Dispose();
        _generator.Dispose();
    }
}

/// <summary>The zero-based epochs [StartEpoch, EndEpoch) a learning-rate schedule spans.</summary>
public sealed record SchedulePlan(int StartEpoch, int EndEpoch)
{
    public int Epochs => EndEpoch - StartEpoch;
}
