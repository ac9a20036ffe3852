using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Commands;

/// <summary>Keras' evaluate(): loss and accuracy on a split, with a confusion matrix and per-class metrics.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MnistModel")]
[OutputType(typeof(MnistEvaluation))]
public sealed class TestMnistModelCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ModelArgument("$model | Test-MnistModel", UsageWithData = "$model | Test-MnistModel -Data $data")]
    public MnistModel Model { get; set; } = null!;

    /// <summary>A dataset (its test split is used unless -Split says otherwise) or a split.</summary>
    [Parameter]
    public object? Data { get; set; }

    [Parameter]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string? Split { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? MinimumAccuracy { get; set; }

    protected override void ProcessOne()
    {
        Model.ThrowIfDisposed();
        var split = DataArgument.Resolve(Data, Split, Model, DataCache.Root(this));
        WriteVerbose($"Evaluating '{Model.Name}' on {split.DatasetName} {split.Name} ({split.Count:N0} images).");
        var progress = ThrottledProgress<EvaluationProgress>(p => p.Done == p.Total,
            p => new ProgressRecord(3, $"Evaluating on {split.Name}", $"{p.Done:N0}/{p.Total:N0} images")
            {
                PercentComplete = p.Total == 0 ? 100 : p.Done * 100 / p.Total,
            });
        var evaluation = Evaluator.Evaluate(Model, split, progress, Cancellation);
        WriteProgress(new ProgressRecord(3, "Evaluating", "Done") { RecordType = ProgressRecordType.Completed });
        Model.RecordEvaluation(evaluation);
        WriteObject(evaluation);
        if (MinimumAccuracy is double minimum && evaluation.Accuracy < minimum)
        {
            WriteMnistError(new MnistException("AccuracyBelowMinimum", MnistErrorKind.LimitsExceeded,
                $"Accuracy {evaluation.Accuracy:F4} on {evaluation.Count:N0} {split.Name} images is below the minimum {minimum:F4}.", evaluation));
        }
    }
}
