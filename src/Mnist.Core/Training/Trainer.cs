using System.Diagnostics;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// Keras' fit(): mini-batches cut by index from the split's one preloaded tensor, a dispose scope per batch,
/// metrics accumulated on tensors and read once per epoch.
/// </summary>
public static class Trainer
{
    public static IReadOnlyList<EpochRecord> Fit(MnistModel model, MnistDataset data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        options.Validate();
        var split = data.Train;
        Evaluator.CheckFits(model, split);
        if (options.ThreadCount is int threads) torch.set_num_threads(threads);

        int trainCount = (int)(split.Count * (1 - options.ValidationSplit));
        int validationCount = split.Count - trainCount;
        if (trainCount < 1 || (options.ValidationSplit > 0 && validationCount < 1))
            throw new MnistException("InvalidTrainingOption", MnistErrorKind.InvalidArgument,
                $"ValidationSplit {options.ValidationSplit} leaves {trainCount} training and {validationCount} validation images of {split.Count}.",
                "ValidationSplit");

        var features = split.Features;
        var targets = split.TargetTensor;
        var labels = split.LabelTensor;
        int batches = (trainCount + options.BatchSize - 1) / options.BatchSize;
        var records = new List<EpochRecord>();
        var optimizer = model.OptimizerInstance;
        var best = (Accuracy: double.NegativeInfinity, Epoch: 0, State: (Dictionary<string, Tensor>?)null);
        int firstEpoch = model.EpochsTrained + 1;
        model.TrainedOn = data;
        model.DataName = data.Name;
        model.DataChecksums = data.Checksums;

        try
        {
            for (int e = 0; e < options.Epochs; e++)
            {
                int epoch = firstEpoch + e;
                var rate = LearningRateFor(model.Spec, epoch - 1, firstEpoch - 1 + options.Epochs);
                model.SetLearningRate(rate);
                var clock = Stopwatch.StartNew();
                model.Network.train();
                using var lossSum = zeros(1, ScalarType.Float64);
                using var correct = zeros(1, ScalarType.Int64);
                using var order = options.Shuffle ? randperm(trainCount, generator: model.Generator) : arange(trainCount);
                for (int b = 0; b < batches; b++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    int start = b * options.BatchSize;
                    int length = Math.Min(options.BatchSize, trainCount - start);
                    var index = order.narrow(0, start, length);
                    var x = features.index_select(0, index);
                    var logits = model.Network.forward(x);
                    var loss = nn.functional.cross_entropy(logits, targets.index_select(0, index));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    using (no_grad())
                    {
                        lossSum.add_(loss.detach().to_type(ScalarType.Float64), alpha: length);
                        correct.add_(logits.argmax(1).eq_(labels.index_select(0, index)).sum());
                    }
                    progress?.Report(new TrainingProgress(epoch, firstEpoch - 1 + options.Epochs, b + 1, batches, clock.Elapsed.TotalSeconds));
                }

                double? valLoss = null, valAccuracy = null;
                if (validationCount > 0)
                {
                    using var validationFeatures = features.narrow(0, trainCount, validationCount);
                    using var validationLabels = labels.narrow(0, trainCount, validationCount);
                    var (sum, pairs) = Evaluator.Accumulate(model, validationFeatures, validationLabels, model.Spec.Classes, null, cancel);
                    valLoss = sum / validationCount;
                    valAccuracy = (double)Enumerable.Range(0, model.Spec.Classes).Sum(c => pairs[c * model.Spec.Classes + c]) / validationCount;
                }
                model.Network.eval();
                var record = new EpochRecord
                {
                    Epoch = epoch,
                    Loss = lossSum.item<double>() / trainCount,
                    Accuracy = (double)correct.item<long>() / trainCount,
                    ValLoss = valLoss,
                    ValAccuracy = valAccuracy,
                    LearningRate = rate,
                    Seconds = clock.Elapsed.TotalSeconds,
                    Samples = trainCount,
                };
                model.AddHistory(record);
                records.Add(record);
                onEpoch?.Invoke(record);

                if (valAccuracy is double accuracy && accuracy > best.Accuracy)
                {
                    DisposeState(best.State);
                    best = (accuracy, epoch, options.Patience is null ? null : CloneState(model));
                    if (options.CheckpointPath is not null) ModelFile.Save(model, options.CheckpointPath, overwrite: true);
                }
                else if (options.Patience is int patience && epoch - best.Epoch >= patience)
                {
                    break;
                }
            }
            if (best.State is not null && model.History[^1].Epoch != best.Epoch) LoadState(model, best.State);
        }
        finally
        {
            model.Network.eval();
            DisposeState(best.State);
        }
        return records;
    }

    /// <summary>The rate for a zero-based epoch under the spec's schedule.</summary>
    public static double LearningRateFor(ModelSpec spec, int epochIndex, int totalEpochs) => spec.Schedule switch
    {
        LearningRateSchedule.Step => spec.LearningRate * Math.Pow(spec.StepGamma, epochIndex / Math.Max(1, spec.StepSize)),
        LearningRateSchedule.Cosine => totalEpochs <= 1
            ? spec.LearningRate
            : spec.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epochIndex / totalEpochs)),
        _ => spec.LearningRate,
    };

    private static Dictionary<string, Tensor> CloneState(MnistModel model)
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            var copy = tensor.detach().clone();
            copy.DetachFromDisposeScope();
            state[name] = copy;
        }
        return state;
    }

    private static void LoadState(MnistModel model, Dictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, tensor) in model.Network.state_dict()) tensor.copy_(state[name]);
    }

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var tensor in state.Values) tensor.Dispose();
    }
}
