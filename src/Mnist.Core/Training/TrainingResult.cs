namespace Mnist.Core.Training;

/// <summary>What a call to <see cref="Trainer.Fit"/> did: the epochs it completed and, if it ended early, why and where.</summary>
public sealed record TrainingResult
{
    public IReadOnlyList<EpochRecord> Epochs { get; init; } = Array.Empty<EpochRecord>();

    /// <summary>Why the training ended before its last planned epoch (early stopping, the time limit, a callback); null if it did not.</summary>
    public string? StopReason { get; init; }

    /// <summary>The epoch and batch where an unfinished epoch was abandoned and undone; null when none was.</summary>
    public (int Epoch, int Batch)? AbandonedAt { get; init; }

    /// <summary>Seconds of the once-per-process warm-up this call ran before its first epoch; null when none was needed.</summary>
    public double? WarmUpSeconds { get; init; }

    public bool StoppedEarly => StopReason is not null;
}
