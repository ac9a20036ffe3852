namespace Mnist.Core.Training;

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;

    /// <summary>The last fraction of the training split held out for validation, as Keras takes it (0 for none).</summary>
    public double ValidationSplit { get; init; } = 0.1;

    public bool Shuffle { get; init; } = true;

    /// <summary>Intra-op threads for libtorch; null keeps the process setting (the machine's cores by default).</summary>
    public int? ThreadCount { get; init; }

    /// <summary>Stop when validation accuracy has not improved for this many epochs, restoring the best weights.</summary>
    public int? Patience { get; init; }

    /// <summary>Where to save the best model (by validation accuracy) after each epoch that improves on it.</summary>
    public string? CheckpointPath { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw Invalid("Epochs", $"must be at least 1, not {Epochs}");
        if (BatchSize < 1) throw Invalid("BatchSize", $"must be at least 1, not {BatchSize}");
        if (double.IsNaN(ValidationSplit) || ValidationSplit < 0 || ValidationSplit >= 1)
            throw Invalid("ValidationSplit", $"must be in [0, 1), not {ValidationSplit}");
        if (ThreadCount is < 1) throw Invalid("ThreadCount", $"must be at least 1, not {ThreadCount}");
        if (Patience is < 1) throw Invalid("Patience", $"must be at least 1, not {Patience}");
        if (Patience is not null && ValidationSplit == 0) throw Invalid("Patience", "early stopping needs a validation split");
        if (CheckpointPath is not null && ValidationSplit == 0) throw Invalid("CheckpointPath", "choosing the best model needs a validation split");
    }

    private static MnistException Invalid(string parameter, string message) =>
        new("InvalidTrainingOption", MnistErrorKind.InvalidArgument, $"{parameter} {message}.", parameter);
}

/// <summary>Where training is: reported per batch (throttled by the caller as it sees fit).</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Seconds);
