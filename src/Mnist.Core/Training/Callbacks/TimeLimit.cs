namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Ends a training within its time: between epochs when the next epoch would not fit, or mid-epoch (undoing
/// that epoch) when the clock runs out. Checked every batch, so the training ends at most a batch late.
/// </summary>
public sealed class TimeLimit : ITrainingCallback
{
    public TimeLimit(TimeSpan maxDuration) => MaxDuration = maxDuration;

    public TimeSpan MaxDuration { get; }

    public void OnEpochBegin(TrainingContext context)
    {
        if (context.Epoch == context.FirstEpoch) return;
        var expected = TimeSpan.FromSeconds(context.LastEpochSeconds ?? 0);
        if (context.Elapsed + expected > MaxDuration)
            context.Stop($"the time limit of {MaxDuration} leaves no room for epoch {context.Epoch} (an epoch takes about {expected.TotalSeconds:F1}s)");
    }

    public void OnBatchEnd(TrainingContext context)
    {
        if (context.Elapsed > MaxDuration)
            context.Abandon($"the time limit of {MaxDuration} ran out during epoch {context.Epoch}");
    }
}
