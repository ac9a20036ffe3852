namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' TerminateOnNaN: an epoch whose loss (or validation loss) is not a finite number ends the training with an
/// error (TrainingDiverged). It runs before History, so the failing epoch is undone and the model keeps the weights
/// of its last finite epoch: NaN weights are never kept.
/// </summary>
public sealed class TerminateOnNaN : ITrainingCallback
{
    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        string? which = !double.IsFinite(record.Loss) ? $"loss {record.Loss}"
            : record.ValLoss is double v && !double.IsFinite(v) ? $"val_loss {v}" : null;
        if (which is null) return;
        throw new MnistException("TrainingDiverged", MnistErrorKind.InvalidOperation,
            $"Training diverged: epoch {record.Epoch} ended with {which}. The epoch was undone; the model is as after epoch " +
            $"{record.Epoch - 1}. Lower the learning rate (New-MnistModel -LearningRate) and train again.",
            context.Model);
    }
}
