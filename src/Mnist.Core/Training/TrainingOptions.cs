using Mnist.Core.Training.Callbacks;

namespace Mnist.Core.Training;

/// <summary>What Keras' fit() takes, and the callbacks the trainer composes from it.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 5;
    /// <summary>The mini-batch size; null takes the model's own default (its architecture's, see ModelSpec.BatchSize).</summary>
    public int? BatchSize { get; init; }

    /// <summary>The last fraction of the training split held out for validation, as Keras takes it (0 for none).</summary>
    public double ValidationSplit { get; init; } = 0.1;

    public bool Shuffle { get; init; } = true;

    /// <summary>Intra-op threads for libtorch during this training (restored after); null keeps the process setting.</summary>
    public int? ThreadCount { get; init; }

    /// <summary>Stop when the monitored metric has not improved for this many epochs (Keras' EarlyStopping).</summary>
    public int? Patience { get; init; }

    /// <summary>What early stopping and the checkpoint watch.</summary>
    public MonitorMetric Monitor { get; init; } = MonitorMetric.ValLoss;

    /// <summary>The least change of the monitored metric that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>With early stopping, put back the weights of the best epoch when training ends.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Where to save the best model (by the monitored metric) after each epoch that improves on it.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Let the checkpoint replace a file that is not an earlier checkpoint (-Force).</summary>
    public bool CheckpointForce { get; init; }

    /// <summary>End the training on time: between epochs when the next would not fit, else by undoing the unfinished epoch.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>Random affine changes of each training batch (never of validation); null for the default ranges or none.</summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>
    /// Whether to augment: null follows the model (its spec's Augment, or yes when <see cref="Augmentation"/> is given);
    /// false never augments.
    /// </summary>
    public bool? Augment { get; init; }

    /// <summary>The ranges a training of this model uses, or null when it does not augment.</summary>
    public AugmentationOptions? AugmentationFor(Modeling.ModelSpec spec) =>
        (Augment ?? (Augmentation is not null || spec.Augment)) ? Augmentation ?? new AugmentationOptions() : null;

    /// <summary>The number format of the matrix products and convolutions (bfloat16 only where the CPU has it).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Float32;

    /// <summary>A folder where the whole training state is kept after every epoch, so a killed run resumes (Keras' BackupAndRestore).</summary>
    public string? BackupPath { get; init; }

    /// <summary>A CSV file that gets one row per epoch as it ends (Keras' CSVLogger).</summary>
    public string? LogPath { get; init; }

    /// <summary>Whether to start the log afresh over an existing file; a resumed run always appends.</summary>
    public bool OverwriteLog { get; init; }

    /// <summary>End with an error (TrainingDiverged) when an epoch's loss is not finite, keeping the last finite epoch (Keras' TerminateOnNaN).</summary>
    public bool TerminateOnNaN { get; init; } = true;

    /// <summary>Lower the learning rate when the monitored metric stops improving (Keras' ReduceLROnPlateau); null for never.</summary>
    public PlateauOptions? ReduceLROnPlateau { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw Invalid("Epochs", $"must be at least 1, not {Epochs}");
        if (BatchSize is < 1) throw Invalid("BatchSize", $"must be at least 1, not {BatchSize}");
        if (double.IsNaN(ValidationSplit) || ValidationSplit < 0 || ValidationSplit >= 1)
            throw Invalid("ValidationSplit", $"must be in [0, 1), not {ValidationSplit}");
        if (ThreadCount is < 1) throw Invalid("ThreadCount", $"must be at least 1, not {ThreadCount}");
        if (Patience is < 1) throw Invalid("Patience", $"must be at least 1, not {Patience}");
        if (double.IsNaN(MinDelta) || MinDelta < 0) throw Invalid("MinDelta", $"must be 0 or more, not {MinDelta}");
        if (MaxDuration is { } limit && limit <= TimeSpan.Zero) throw Invalid("MaxDuration", $"must be positive, not {limit}");
        if (Augmentation?.Problem() is { } augmentation) throw Invalid("Augmentation", augmentation);
        if (Augment == false && Augmentation is not null) throw Invalid("Augmentation", "has ranges while Augment is false");
        if (!Enum.IsDefined(Precision)) throw Invalid("Precision", $"must be Float32 or BFloat16, not {Precision}");
        if (Precision == TrainingPrecision.BFloat16 && !Runtime.CpuFeatures.FastBFloat16)
            throw new MnistException("PrecisionNotSupported", MnistErrorKind.InvalidOperation,
                "-Precision BFloat16 needs a processor with AVX512-BF16 or AMX-BF16 (Get-MnistEnvironment shows Avx512Bf16); " +
                "without them bfloat16 products are emulated and slower than Float32.", "Precision");
        if (Patience is not null && ValidationSplit == 0) throw Invalid("Patience", "early stopping needs a validation split");
        if (CheckpointPath is not null && ValidationSplit == 0) throw Invalid("CheckpointPath", "choosing the best model needs a validation split");
        if (ReduceLROnPlateau is { } plateau)
        {
            if (plateau.Problem() is { } problem) throw Invalid("ReduceLROnPlateau", problem);
            if (ValidationSplit == 0) throw Invalid("ReduceLROnPlateau", "watching a validation metric needs a validation split");
        }
    }

    /// <summary>The callbacks these options ask for, in the order they run: History first, so later ones see the epoch in it.</summary>
    /// <remarks>TerminateOnNaN comes before History (a diverged epoch is undone), the backup after every other (their state is in it), the log last (a row only for a backed-up epoch).</remarks>
    internal IEnumerable<ITrainingCallback> StandardCallbacks(Func<IEnumerable<ITrainingCallback>> all, IReadOnlyDictionary<string, string>? settings)
    {
        if (TerminateOnNaN) yield return new TerminateOnNaN();
        yield return new HistoryRecorder();
        yield return new LearningRateScheduler();
        if (MaxDuration is TimeSpan limit) yield return new TimeLimit(limit);
        if (CheckpointPath is not null) yield return new ModelCheckpoint(CheckpointPath, Monitor, CheckpointForce);
        if (Patience is int patience) yield return new EarlyStopping(Monitor, patience, MinDelta, RestoreBestWeights);
        if (ReduceLROnPlateau is { } plateau)
            yield return new Callbacks.ReduceLROnPlateau(Monitor, plateau.Factor, plateau.Patience, plateau.MinLearningRate, MinDelta);
        if (BackupPath is not null) yield return new BackupAndRestore(BackupPath, settings!, all);
        if (LogPath is not null) yield return new CsvLogger(LogPath, OverwriteLog);
    }

    private static MnistException Invalid(string parameter, string message) =>
        new("InvalidTrainingOption", MnistErrorKind.InvalidArgument, $"{parameter} {message}.", parameter);
}

/// <summary>ReduceLROnPlateau's settings, with Keras' defaults (the metric is TrainingOptions.Monitor).</summary>
public sealed record PlateauOptions
{
    /// <summary>What the rate is multiplied by on a plateau (0 &lt; factor &lt; 1).</summary>
    public double Factor { get; init; } = 0.1;

    /// <summary>Epochs without improvement before the rate is lowered.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>The rate is never lowered below this.</summary>
    public double MinLearningRate { get; init; }

    public string? Problem() =>
        !(Factor > 0 && Factor < 1) ? $"Factor must be between 0 and 1, not {Factor}"
        : Patience < 1 ? $"Patience must be at least 1, not {Patience}"
        : !(MinLearningRate >= 0) || double.IsInfinity(MinLearningRate) ? $"MinLearningRate must be 0 or more, not {MinLearningRate}"
        : null;

    public override string ToString() => FormattableString.Invariant($"factor {Factor}, patience {Patience}, minimum {MinLearningRate}");
}

/// <summary>Where training is: reported per batch (throttled by the reporter), with running metrics and the time left.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Seconds)
{
    public double Loss { get; init; }
    public double Accuracy { get; init; }
    public double? SecondsRemaining { get; init; }
}
