using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Cmdlets.Commands;

/// <summary>Keras' fit(): trains a model on a dataset's training split and outputs the trained model with its History.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MnistTraining", SupportsShouldProcess = true)]
[OutputType(typeof(MnistModel))]
public sealed class InvokeMnistTrainingCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [Alias("Dataset")]
    public MnistDataset Data { get; set; } = null!;

    [Parameter]
    public MnistModel? Model { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 5;

    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; } = 128;

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

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CheckpointPath { get; set; }

    /// <summary>Do not print the per-epoch lines.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessOne()
    {
        var checkpoint = CheckpointPath is null ? null : ResolvePath(CheckpointPath);
        // Training changes the model it is given and may write a checkpoint: -WhatIf and -Confirm cover the whole run.
        var action = checkpoint is null ? $"Train {Epochs} epoch(s)" : $"Train {Epochs} epoch(s), saving the best model to '{checkpoint}'";
        if (!ShouldProcess(Data.Name, action)) return;

        var model = Model ?? new MnistModel(ModelSpec.DefaultFor(Architecture.Mlp) with
        {
            Seed = Seed ?? Random.Shared.NextInt64(0, int.MaxValue),
            Classes = Data.Train.ClassCount,
        });
        if (Model is not null && Seed is long seed) model.Generator.manual_seed(seed);

        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            ValidationSplit = ValidationSplit,
            ThreadCount = ThreadCount,
            Patience = Patience,
            CheckpointPath = checkpoint,
        };
        var progress = ThrottledProgress<TrainingProgress>(p => p.Batch == p.Batches, ReportProgress);
        Trainer.Fit(model, Data, options, progress, record =>
        {
            if (!Quiet) WriteInformation(new HostInformationMessage { Message = record.ToString() }, new[] { "PSHOST", "Mnist.Epoch" });
        }, Cancellation);
        WriteProgress(new ProgressRecord(EpochActivity, "Training", "Done") { RecordType = ProgressRecordType.Completed });
        WriteObject(model);
    }

    private const int EpochActivity = 2;
    private const int BatchActivity = 3;

    /// <summary>Two bars: epochs, and under it the batches of the current epoch.</summary>
    private ProgressRecord ReportProgress(TrainingProgress p)
    {
        WriteProgress(new ProgressRecord(EpochActivity, "Training", $"Epoch {p.Epoch} of {p.Epochs}")
        {
            PercentComplete = (int)Math.Min(100, (p.Epoch - 1 + (double)p.Batch / p.Batches) * 100 / p.Epochs),
        });
        return new ProgressRecord(BatchActivity, $"Epoch {p.Epoch}", $"Batch {p.Batch} of {p.Batches}, {p.Seconds:F1}s")
        {
            ParentActivityId = EpochActivity,
            PercentComplete = p.Batch * 100 / p.Batches,
        };
    }
}
