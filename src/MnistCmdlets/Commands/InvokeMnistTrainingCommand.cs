using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Mnist.Core.Training.Callbacks;

namespace Mnist.Cmdlets.Commands;

/// <summary>Keras' fit(): trains a model on a dataset's training split and outputs the trained model with its History.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MnistTraining", SupportsShouldProcess = true)]
[OutputType(typeof(MnistModel))]
public sealed class InvokeMnistTrainingCommand : MnistCmdlet
{
    /// <summary>A dataset from Import-MnistData, or its Train split.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [Alias("Dataset")]
    [ValidateNotNull]
    public object Data { get; set; } = null!;

    [Parameter(ValueFromPipeline = true)]
    public MnistModel? Model { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 5;

    /// <summary>The model's own (its architecture's default, shown in its summary) unless given.</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int? BatchSize { get; set; }

    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double ValidationSplit { get; set; } = 0.1;

    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? Seed { get; set; }

    [Parameter]
    [ValidateRange(1, 1024)]
    [ArgumentCompleter(typeof(ThreadCountCompleter))]
    public int ThreadCount { get; set; } = Environment.ProcessorCount;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? Patience { get; set; }

    /// <summary>What early stopping and the checkpoint watch: val_loss (Keras' default) or val_accuracy.</summary>
    [Parameter]
    [ValidateSet("val_loss", "val_accuracy", IgnoreCase = true)]
    public string Monitor { get; set; } = "val_loss";

    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MinDelta { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CheckpointPath { get; set; }

    /// <summary>
    /// Lets -CheckpointPath replace a file that is not an earlier checkpoint (without it, only a model file of the same
    /// format is replaced), and starts an existing -LogPath file afresh (without it, a resumed run appends to it).
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>End the training in time, with the model as after its last completed epoch.</summary>
    [Parameter]
    public TimeSpan? MaxDuration { get; set; }

    /// <summary>Called after each epoch with the History row ($args[0], also $_) and the training ($args[1]; $args[1].Stop('why') ends it).</summary>
    [Parameter]
    [ValidateNotNull]
    public ScriptBlock? OnEpochEnd { get; set; }

    /// <summary>
    /// Random affine changes of each training batch (rotation, shift, scale, shear); -Augment* adjust their ranges.
    /// Unset, the model decides (the CNN augments by default); -Augment:$false never augments.
    /// </summary>
    [Parameter]
    public SwitchParameter Augment { get; set; }

    [Parameter]
    [ValidateRange(0.0, AugmentationOptions.MaxRotationDegrees)]
    public double? AugmentRotation { get; set; }

    [Parameter]
    [ValidateRange(0.0, AugmentationOptions.MaxShiftPixels)]
    public double? AugmentShift { get; set; }

    [Parameter]
    [ValidateRange(0.0, AugmentationOptions.MaxScale)]
    public double? AugmentScale { get; set; }

    [Parameter]
    [ValidateRange(0.0, AugmentationOptions.MaxShearDegrees)]
    public double? AugmentShear { get; set; }

    /// <summary>The products' number format: Float32 (default) or BFloat16 (mixed precision, on CPUs with AVX512-BF16 or AMX).</summary>
    [Parameter]
    public TrainingPrecision Precision { get; set; } = TrainingPrecision.Float32;

    /// <summary>A folder for the whole training state after every epoch: the same command run again resumes a killed run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>A CSV file with one row per epoch, written as each epoch ends (Keras' CSVLogger).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    /// <summary>End with an error when an epoch's loss is not finite, keeping the last finite epoch. On unless -TerminateOnNaN:$false.</summary>
    [Parameter]
    public SwitchParameter TerminateOnNaN { get; set; }

    /// <summary>Lower the learning rate when -Monitor stops improving (Keras' ReduceLROnPlateau); -ReduceLR* adjust it.</summary>
    [Parameter]
    public SwitchParameter ReduceLROnPlateau { get; set; }

    [Parameter]
    [ValidateRange(0.000001, 0.999999)]
    public double? ReduceLRFactor { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? ReduceLRPatience { get; set; }

    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? MinLearningRate { get; set; }

    /// <summary>Do not print the per-epoch lines.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessOne()
    {
        Model?.ThrowIfDisposed();
        var train = DataArgument.ToTrainingSplit(Data);
        var checkpoint = CheckpointPath is null ? null : ResolvePath(CheckpointPath);
        var backup = BackupPath is null ? null : ResolvePath(BackupPath);
        var log = LogPath is null ? null : ResolvePath(LogPath);
        var plateau = RequestedPlateau();
        if (MaxDuration is { } limit && limit <= TimeSpan.Zero)
            throw new Mnist.Core.MnistException("InvalidTrainingOption", Mnist.Core.MnistErrorKind.InvalidArgument,
                $"MaxDuration must be positive, not {limit}.", "MaxDuration");
        var augmentation = RequestedAugmentation();
        // Training changes the model it is given and may write a checkpoint: -WhatIf and -Confirm cover the whole run.
        var action = checkpoint is null ? $"Train {Epochs} epoch(s)" : $"Train {Epochs} epoch(s), saving the best model to '{checkpoint}'";
        if (backup is not null) action += $", backing up every epoch to '{backup}'";
        if (log is not null) action += $", logging every epoch to '{log}'";
        if (!ShouldProcess(train.DatasetName ?? train.Name, action)) return;

        var model = Model ?? new MnistModel(ModelSpec.DefaultFor(Architecture.Mlp) with
        {
            // A rerun without -Seed resumes its backup's run, which had a seed of its own.
            Seed = Seed ?? (backup is null ? null : Mnist.Core.Training.Backup.TrainingBackup.SeedOf(backup)) ?? Random.Shared.NextInt64(0, int.MaxValue),
            Classes = train.ClassCount,
        }, train.ClassNames);
        if (Model is not null && Seed is long seed) model.Reseed(seed);

        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            ValidationSplit = ValidationSplit,
            ThreadCount = ThreadCount,
            Patience = Patience,
            Monitor = Monitor.Equals("val_accuracy", StringComparison.OrdinalIgnoreCase) ? MonitorMetric.ValAccuracy : MonitorMetric.ValLoss,
            MinDelta = MinDelta,
            CheckpointPath = checkpoint,
            CheckpointForce = Force,
            MaxDuration = MaxDuration,
            Augmentation = augmentation,
            // -Augment:$false turns off even a model's default augmentation (the CNN's); unbound follows the model.
            Augment = MyInvocation.BoundParameters.ContainsKey(nameof(Augment)) ? Augment.IsPresent : null,
            Precision = Precision,
            BackupPath = backup,
            LogPath = log,
            OverwriteLog = Force,
            TerminateOnNaN = !MyInvocation.BoundParameters.ContainsKey(nameof(TerminateOnNaN)) || TerminateOnNaN.IsPresent,
            ReduceLROnPlateau = plateau,
        };
        WriteVerbose($"Training '{model.Name}' on {train.DatasetName} ({train.Count:N0} images, {ValidationSplit:P0} held out) for {Epochs} epoch(s), batch {BatchSize ?? model.Spec.BatchSize}, {ThreadCount} thread(s){(options.AugmentationFor(model.Spec) is { } ranges ? $", augmented: {ranges}" : "")}{(Precision == TrainingPrecision.Float32 ? "" : $", {Precision} products")}.");
        var callbacks = new List<ITrainingCallback>
        {
            new ProgressReporter(new Progress(this)),
            new EpochEndAction((record, _) => WriteEpochLine(record)),
        };
        if (OnEpochEnd is not null) callbacks.Add(new EpochEndAction(InvokeOnEpochEnd));

        TrainingResult result;
        try
        {
            result = Trainer.Fit(model, train, options, callbacks, Cancellation);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            StoppedTrainings.Keep(model);
            TryWarn($"Training stopped; the model is as after epoch {model.EpochsTrained} (the unfinished epoch was undone). " +
                $"Get it with: $model = Get-MnistStoppedModel{ResumeHint(backup)}");
            throw;
        }
        catch (Exception e) when (e is not PipelineStoppedException && !(e is Mnist.Core.MnistException { Kind: Mnist.Core.MnistErrorKind.InvalidArgument or Mnist.Core.MnistErrorKind.NotFound or Mnist.Core.MnistErrorKind.AlreadyExists }
            or Mnist.Core.MnistException { ErrorId: MnistModel.InTrainingErrorId or MnistModel.DisposedErrorId }))
        {
            // The error record carries the model (TargetObject), and Get-MnistStoppedModel has it too.
            StoppedTrainings.Keep(model);
            TryWarn($"Training failed; the model is as after epoch {model.EpochsTrained}. Get it with: $model = $Error[0].TargetObject " +
                $"(or Get-MnistStoppedModel){ResumeHint(backup)}");
            throw e is Mnist.Core.MnistException m
                ? new Mnist.Core.MnistException(m.ErrorId, m.Kind, m.Message, model, m)
                : new Mnist.Core.MnistException("TrainingFailed", Mnist.Core.MnistErrorKind.InvalidOperation, $"Training failed: {e.Message}", model, e);
        }
        WriteProgress(new ProgressRecord(EpochActivity, "Training", "Done") { RecordType = ProgressRecordType.Completed });
        if (result.StoppedEarly)
        {
            var undone = result.AbandonedAt is { } at ? $" (epoch {at.Epoch} was stopped at batch {at.Batch} and undone)" : "";
            var restored = model.History.Count > 0 && !model.History[^1].InWeights
                ? $" Restored the weights of epoch {model.EpochsTrained}, the best by {Monitor}: the model holds them (EpochsTrained {model.EpochsTrained}); " +
                  $"History keeps epochs {model.EpochsTrained + 1}-{model.History[^1].Epoch}, marked InWeights False."
                : $" The model is as after epoch {model.EpochsTrained}{undone}.";
            WriteWarning($"Training ended early: {result.StopReason}.{restored}");
        }
        WriteObject(model);
    }

    private static string ResumeHint(string? backup)
    {
        if (backup is null) return "";
        try
        {
            return Mnist.Core.Training.Backup.TrainingBackup.Exists(backup)
                ? $". Its backup is in '{backup}': run the same command again to continue from epoch {Mnist.Core.Training.Backup.TrainingBackup.EpochsIn(backup) + 1}."
                : "";
        }
        catch (Mnist.Core.MnistException)
        {
            return ""; // The backup itself is what failed; the error says so.
        }
    }

    /// <summary>ReduceLROnPlateau's settings, or null without -ReduceLROnPlateau (its -ReduceLR* and -MinLearningRate need it).</summary>
    private PlateauOptions? RequestedPlateau()
    {
        if (!ReduceLROnPlateau)
        {
            var stray = new[] { ("ReduceLRFactor", (object?)ReduceLRFactor), ("ReduceLRPatience", ReduceLRPatience), ("MinLearningRate", MinLearningRate) }
                .FirstOrDefault(p => p.Item2 is not null).Item1;
            if (stray is not null)
                throw new Mnist.Core.MnistException("InvalidTrainingOption", Mnist.Core.MnistErrorKind.InvalidArgument,
                    $"-{stray} sets ReduceLROnPlateau; add -ReduceLROnPlateau to lower the rate on a plateau.", stray);
            return null;
        }
        var defaults = new PlateauOptions();
        return new PlateauOptions
        {
            Factor = ReduceLRFactor ?? defaults.Factor,
            Patience = ReduceLRPatience ?? defaults.Patience,
            MinLearningRate = MinLearningRate ?? defaults.MinLearningRate,
        };
    }

    /// <summary>The ranges -Augment asks for: the defaults, each replaced by its -Augment* parameter when given.</summary>
    private AugmentationOptions? RequestedAugmentation()
    {
        if (!Augment)
        {
            var stray = new[] { ("AugmentRotation", AugmentRotation), ("AugmentShift", AugmentShift), ("AugmentScale", AugmentScale), ("AugmentShear", AugmentShear) }
                .FirstOrDefault(p => p.Item2 is not null).Item1;
            if (stray is not null)
                throw new Mnist.Core.MnistException("InvalidTrainingOption", Mnist.Core.MnistErrorKind.InvalidArgument,
                    $"-{stray} sets a range of -Augment; add -Augment to train with augmentation.", stray);
            return null;
        }
        var defaults = new AugmentationOptions();
        return new AugmentationOptions
        {
            RotationDegrees = AugmentRotation ?? defaults.RotationDegrees,
            ShiftPixels = AugmentShift ?? defaults.ShiftPixels,
            Scale = AugmentScale ?? defaults.Scale,
            ShearDegrees = AugmentShear ?? defaults.ShearDegrees,
        };
    }

    /// <summary>The user's script block; its output is discarded (it would mix with the model in the pipeline).</summary>
    private void InvokeOnEpochEnd(EpochRecord record, TrainingContext training)
    {
        try
        {
            OnEpochEnd!.InvokeWithContext(null, new List<PSVariable> { new("_", record) }, record, training);
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            throw new Mnist.Core.MnistException("OnEpochEndFailed", Mnist.Core.MnistErrorKind.InvalidOperation,
                $"The -OnEpochEnd script block failed after epoch {record.Epoch}: {e.Message}", record, e);
        }
    }

    /// <summary>
    /// Keras' epoch line. Shown by default like Write-Host; with -InformationAction (or $InformationPreference changed
    /// from its default) it follows that preference like any information record.
    /// </summary>
    private void WriteEpochLine(EpochRecord record)
    {
        if (Quiet) return;
        bool userChose = MyInvocation.BoundParameters.ContainsKey("InformationAction") ||
            GetVariableValue("InformationPreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue;
        if (userChose) WriteInformation(record.ToString(), new[] { "Mnist.Epoch" });
        else WriteInformation(new HostInformationMessage { Message = record.ToString() }, new[] { "PSHOST", "Mnist.Epoch" });
    }

    private void TryWarn(string message)
    {
        try
        {
            WriteWarning(message);
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the pipeline takes no more records, but the person at the console still reads the host.
            try
            {
                Host?.UI?.WriteWarningLine(message);
            }
            catch (Exception e) when (e is PipelineStoppedException or NotImplementedException or InvalidOperationException)
            {
                // A host without a user interface (a hosted runspace): Get-MnistStoppedModel is documented in the help.
            }
        }
    }

    private const int EpochActivity = 2;
    private const int BatchActivity = 3;

    /// <summary>Two bars, as Keras shows: epochs with the time left, and the batches of this epoch with running loss and accuracy.</summary>
    private sealed class Progress : IProgress<TrainingProgress>
    {
        private readonly InvokeMnistTrainingCommand _command;

        public Progress(InvokeMnistTrainingCommand command) => _command = command;

        public void Report(TrainingProgress p)
        {
            _command.WriteProgress(new ProgressRecord(EpochActivity, "Training", $"Epoch {p.Epoch} of {p.Epochs}")
            {
                PercentComplete = (int)Math.Min(100, Math.Max(0, 100.0 * (p.Epoch - 1 + (double)p.Batch / p.Batches - (p.Epochs - EpochsOfRun(p))) / EpochsOfRun(p))),
                SecondsRemaining = p.SecondsRemaining is double s ? (int)Math.Ceiling(s) : -1,
            });
            _command.WriteProgress(new ProgressRecord(BatchActivity, $"Epoch {p.Epoch}",
                $"Batch {p.Batch} of {p.Batches} - loss: {p.Loss:F4} - accuracy: {p.Accuracy:F4} - {p.Seconds:F1}s")
            {
                ParentActivityId = EpochActivity,
                PercentComplete = p.Batch * 100 / p.Batches,
            });
        }

        private int EpochsOfRun(TrainingProgress p) => Math.Max(1, _command.Epochs);
    }
}
