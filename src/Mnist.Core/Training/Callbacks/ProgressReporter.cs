using System.Diagnostics;

namespace Mnist.Core.Training.Callbacks;

/// <summary>Reports progress after each batch: epoch and batch, elapsed and remaining time, running loss and accuracy.</summary>
public sealed class ProgressReporter : ITrainingCallback
{
    private readonly IProgress<TrainingProgress> _progress;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _sinceLast = new();

    /// <param name="interval">Reports at most this often (plus each epoch's last batch): reading the running metrics syncs the tensors.</param>
    public ProgressReporter(IProgress<TrainingProgress> progress, TimeSpan? interval = null)
    {
        _progress = progress;
        _interval = interval ?? TimeSpan.FromMilliseconds(100);
    }

    public void OnBatchEnd(TrainingContext context)
    {
        bool last = context.Batch == context.BatchesPerEpoch;
        if (!last && _sinceLast.IsRunning && _sinceLast.Elapsed < _interval) return;
        _sinceLast.Restart();
        var (loss, accuracy) = context.Running;
        int epochsDone = context.Epoch - context.FirstEpoch;
        double done = epochsDone + (double)context.Batch / context.BatchesPerEpoch;
        double total = context.LastEpoch - context.FirstEpoch + 1;
        double? remaining = done > 0 ? context.Elapsed.TotalSeconds * (total - done) / done : null;
        _progress.Report(new TrainingProgress(context.Epoch, context.LastEpoch, context.Batch, context.BatchesPerEpoch,
            context.EpochElapsed.TotalSeconds)
        {
            Loss = loss,
            Accuracy = accuracy,
            SecondsRemaining = remaining,
        });
    }
}
