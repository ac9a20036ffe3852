namespace Mnist.Core.Training;

/// <summary>One row of a model's History: what Keras prints at the end of an epoch.</summary>
public sealed record EpochRecord
{
    public int Epoch { get; init; }
    public double Loss { get; init; }
    public double Accuracy { get; init; }
    public double? ValLoss { get; init; }
    public double? ValAccuracy { get; init; }
    public double LearningRate { get; init; }
    public double Seconds { get; init; }
    public int Samples { get; init; }

    /// <summary>The random changes the training images of this epoch had (-Augment), or null when they had none.</summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>The number format of this epoch's products when it was not float32 (-Precision BFloat16), else null.</summary>
    public TrainingPrecision? Precision { get; init; }

    /// <summary>
    /// False for an epoch trained after the one whose weights early stopping restored: it happened, but the model's
    /// weights are not its.
    /// </summary>
    public bool InWeights { get; init; } = true;

    public override string ToString()
    {
        var line = $"Epoch {Epoch}: loss: {Loss:F4} - accuracy: {Accuracy:F4}";
        if (ValLoss is not null) line += $" - val_loss: {ValLoss:F4} - val_accuracy: {ValAccuracy:F4}";
        return line + $" - {Seconds:F1}s" + (InWeights ? "" : " (not in the weights)");
    }
}
