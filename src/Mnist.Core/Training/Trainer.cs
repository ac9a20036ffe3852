using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// Keras' fit(): a short loop over epochs and batches that calls its callbacks. Mini-batches are cut by index from
/// the split's one preloaded tensor, with a dispose scope per batch; metrics accumulate on tensors and are read
/// once per epoch. Before each epoch the model's training state is captured; an epoch that does not finish
/// (cancelled, timed out, failed) is undone, so the model is always as after its last completed epoch. The first
/// training of a network in a process warms up first (<see cref="TrainingWarmUp"/>), before any epoch's clock.
/// </summary>
public static class Trainer
{
    /// <summary>Trains on the dataset's Train split with progress and a per-epoch action; returns the completed epochs.</summary>
    public static IReadOnlyList<EpochRecord> Fit(MnistModel model, MnistDataset data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        var callbacks = new List<ITrainingCallback>();
        if (progress is not null) callbacks.Add(new Callbacks.ProgressReporter(progress, TimeSpan.Zero));
        if (onEpoch is not null) callbacks.Add(new Callbacks.EpochEndAction((record, _) => onEpoch(record)));
        return Fit(model, data.Train, options, callbacks, cancel).Epochs;
    }

    public static TrainingResult Fit(MnistModel model, MnistSplit train, TrainingOptions options,
        IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancel = default)
    {
        // One training at a time: a second (from -OnEpochEnd, another thread) is refused before it changes anything.
        using var exclusive = model.BeginExclusiveTraining();
        options.Validate();
        var data = train.Data ?? throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
            $"The {train.Name} split does not belong to a dataset; load the data as a dataset first.", train.Name);
        model.CheckData(data.Name, train.Rows, train.Columns, train.ClassNames, data.Name, forTraining: true);

        using var rows = ValidationRows.Of(train, options.ValidationSplit);
        int trainCount = rows.TrainCount;
        int validationCount = rows.ValidationCount;
        if (trainCount < 1 || (options.ValidationSplit > 0 && validationCount < 1))
            throw new MnistException("InvalidTrainingOption", MnistErrorKind.InvalidArgument,
                $"ValidationSplit {options.ValidationSplit} leaves {trainCount} training and {validationCount} validation images of {train.Count}.",
                "ValidationSplit");

        using var threads = TorchThreads.Use(options.ThreadCount);
        Runtime.NativeAllocator.KeepFreedMemoryForReuse();
        var features = train.Features;
        var labels = train.LabelTensor;
        int batchSize = options.BatchSize ?? model.Spec.BatchSize;
        int batches = (trainCount + batchSize - 1) / batchSize;
        var augmentation = options.AugmentationFor(model.Spec);
        var tensors = new MnistSplitTensors(features, train.TargetTensor, labels);
        double? warmUp = TrainingWarmUp.Ensure(model, tensors, batchSize, trainCount, augmentation, train.Rows, train.Columns, options.Precision);
        using var step = new TrainingStep(model, tensors,
            augmentation is not null ? new BatchAugmenter(augmentation, train.Rows, train.Columns, model.Generator) : null,
            options.Precision);
        var settings = options.BackupPath is null ? null : Backup.RunSettings.Of(model, data, trainCount, options);
        var resumed = options.BackupPath is null ? null : Backup.TrainingBackup.Resume(options.BackupPath, model, settings!);
        var context = new TrainingContext(model, options, batches, trainCount, () => (step.MeanLoss, step.Accuracy),
            resumed?.Record.RunFirstEpoch);
        var hooks = new List<ITrainingCallback>();
        hooks.AddRange(options.StandardCallbacks(() => hooks, settings).Concat(callbacks ?? Enumerable.Empty<ITrainingCallback>()));
        var records = new List<EpochRecord>();
        (int Epoch, int Batch)? abandoned = null;

        foreach (var hook in hooks) hook.OnTrainBegin(context);
        resumed?.RestoreCallbacks(hooks, context);
        // A resumed run's model has its data, class names and schedule plan from the backup already.
        var undoStart = resumed is null ? model.BeginTrainingOn(data, options.Epochs) : () => { };
        if (resumed is null)
            foreach (var backup in hooks.OfType<Callbacks.BackupAndRestore>()) backup.BackUpStart(context);
        try
        {
            for (int epoch = context.StartingEpoch; epoch <= context.LastEpoch && !context.StopRequested; epoch++)
            {
                context.StartEpoch(epoch);
                foreach (var hook in hooks) hook.OnEpochBegin(context);
                if (context.StopRequested) break;

                using var before = model.CaptureTrainingState();
                try
                {
                    using (model.BeginNetworkChange()) model.Network.train();
                    step.Reset();
                    using var order = rows.ToSplitRows(options.Shuffle ? randperm(trainCount, generator: model.Generator) : arange(trainCount));
                    for (int b = 0; b < batches; b++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        // Disposed from a callback or another thread: the epoch is undone, then the weights are freed.
                        model.ThrowIfDisposed();
                        context.StartBatch(b + 1);
                        foreach (var hook in hooks) hook.OnBatchBegin(context);
                        int start = b * batchSize;
                        using (var index = order.narrow(0, start, Math.Min(batchSize, trainCount - start)))
                        using (model.BeginNetworkChange())
                            step.Run(index);
                        foreach (var hook in hooks) hook.OnBatchEnd(context);
                        if (context.AbandonRequested) break;
                    }
                    if (context.AbandonRequested)
                    {
                        abandoned = (epoch, context.Batch);
                        model.RestoreTrainingState(before);
                        break;
                    }

                    EpochRecord validation;
                    // Validation switches the network to evaluation mode and back: a change, as a step is.
                    using (model.BeginNetworkChange())
                    {
                        validation = Validate(model, features, labels, rows, cancel);
                        model.Network.eval();
                    }
                    var record = validation with
                    {
                        Epoch = epoch,
                        Loss = step.MeanLoss,
                        Accuracy = step.Accuracy,
                        LearningRate = context.LearningRate,
                        Seconds = context.EpochElapsed.TotalSeconds,
                        Samples = trainCount,
                        Augmentation = augmentation,
                        Precision = options.Precision == TrainingPrecision.Float32 ? null : options.Precision,
                    };
                    context.LastEpochSeconds = record.Seconds;
                    records.Add(record);
                    foreach (var hook in hooks) hook.OnEpochEnd(context, record);
                }
                catch (Exception) when (model.EpochsTrained < epoch)
                {
                    // The epoch did not complete (cancelled, failed): undo it, then let the exception go on.
                    model.RestoreTrainingState(before);
                    if (records.Count > 0 && records[^1].Epoch == epoch) records.RemoveAt(records.Count - 1);
                    throw;
                }
            }
            foreach (var hook in hooks) hook.OnTrainEnd(context);
        }
        finally
        {
            if (records.Count == 0) undoStart();
            using (model.BeginNetworkChange()) model.Network.eval();
            foreach (var hook in hooks.OfType<IDisposable>()) hook.Dispose();
        }
        return new TrainingResult { Epochs = records, StopReason = context.StopReason, AbandonedAt = abandoned, WarmUpSeconds = warmUp };
    }

    private static EpochRecord Validate(MnistModel model, Tensor features, Tensor labels, ValidationRows rows, CancellationToken cancel)
    {
        int validationCount = rows.ValidationCount;
        if (validationCount == 0) return new EpochRecord();
        using var validationFeatures = rows.Validation(features);
        using var validationLabels = rows.Validation(labels);
        int classes = model.Spec.Classes;
        var (sum, pairs) = Evaluator.Accumulate(model, validationFeatures, validationLabels, classes, null, cancel);
        return new EpochRecord
        {
            ValLoss = sum / validationCount,
            ValAccuracy = (double)Enumerable.Range(0, classes).Sum(c => pairs[c * classes + c]) / validationCount,
        };
    }

    /// <summary>The rate for a zero-based epoch of a plan of <paramref name="totalEpochs"/> under the spec's schedule.</summary>
    public static double LearningRateFor(ModelSpec spec, int epochIndex, int totalEpochs) =>
        LearningRateSchedules.RateAt(spec, epochIndex, totalEpochs);
}
