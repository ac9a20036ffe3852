using System.Diagnostics;
using Mnist.Core.Modeling;

namespace Mnist.Core.Training;

/// <summary>Where a training is, for its callbacks, and how they ask it to stop.</summary>
public sealed class TrainingContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _epochClock = new();
    private readonly Func<(double Loss, double Accuracy)> _running;

    internal TrainingContext(MnistModel model, TrainingOptions options, int batchesPerEpoch, int trainCount,
        Func<(double Loss, double Accuracy)> running, int? resumedRunFirstEpoch = null)
    {
        Model = model;
        Options = options;
        BatchesPerEpoch = batchesPerEpoch;
        TrainCount = trainCount;
        FirstEpoch = resumedRunFirstEpoch ?? model.EpochsTrained + 1;
        LastEpoch = FirstEpoch - 1 + options.Epochs;
        StartingEpoch = model.EpochsTrained + 1;
        ResumedAfterEpoch = resumedRunFirstEpoch is null ? null : model.EpochsTrained;
        Epoch = StartingEpoch;
        _running = running;
    }

    public MnistModel Model { get; }
    public TrainingOptions Options { get; }

    /// <summary>One-based epoch numbers as History counts them (a continued training goes on from the model's last).</summary>
    public int FirstEpoch { get; }
    public int LastEpoch { get; }

    /// <summary>The first epoch this process trains: FirstEpoch, or the one after a backup's last (-BackupPath).</summary>
    public int StartingEpoch { get; }

    /// <summary>The last epoch a backup restored (the run goes on from the next), or null when it did not resume.</summary>
    public int? ResumedAfterEpoch { get; }
    public int Epoch { get; private set; }

    /// <summary>One-based batch of the current epoch; 0 before its first batch.</summary>
    public int Batch { get; private set; }
    public int BatchesPerEpoch { get; }
    public int TrainCount { get; }
    public TimeSpan Elapsed => _clock.Elapsed;
    public TimeSpan EpochElapsed => _epochClock.Elapsed;

    /// <summary>The learning rate in use now (set by the schedule).</summary>
    public double LearningRate { get; internal set; }

    /// <summary>What the schedule's rate is multiplied by (lowered by ReduceLROnPlateau); 1 unless reduced.</summary>
    public double LearningRateScale { get; internal set; } = 1;

    /// <summary>The least rate a reduction may bring the schedule's rate down to (ReduceLROnPlateau's minimum).</summary>
    public double MinimumLearningRate { get; internal set; }

    /// <summary>Mean loss and accuracy over the batches of this epoch so far (reads them from the tensors: call sparingly).</summary>
    public (double Loss, double Accuracy) Running => _running();

    /// <summary>The seconds of the last completed epoch of this run, or null before the first.</summary>
    public double? LastEpochSeconds { get; internal set; }

    public bool StopRequested => StopReason is not null;
    public string? StopReason { get; private set; }

    /// <summary>Whether the current epoch is to be abandoned and the model rolled back to before it.</summary>
    public bool AbandonRequested { get; private set; }

    /// <summary>Ends the training after the current epoch (or now, between epochs).</summary>
    public void Stop(string reason) => StopReason ??= reason;

    /// <summary>Ends the training now, mid-epoch: the unfinished epoch is undone.</summary>
    public void Abandon(string reason)
    {
        Stop(reason);
        AbandonRequested = true;
    }

    internal void StartEpoch(int epoch)
    {
        Epoch = epoch;
        Batch = 0;
        _epochClock.Restart();
    }

    internal void StartBatch(int batch) => Batch = batch;
}
