using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Data.Export;
using Mnist.Core.Evaluation;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Writes a dataset, one split, or the samples or predictions piped to it as IDX files, a Keras mnist.npz,
/// Kaggle-layout CSV or PNG files in class folders, atomically. Samples and predictions are collected and written
/// once the pipeline ends.
/// </summary>
[Cmdlet(VerbsData.Export, "MnistData", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(MnistDataExport))]
public sealed class ExportMnistDataCommand : MnistCmdlet
{
    private readonly List<object> _items = new();

    /// <summary>A dataset, a split, or samples or predictions (any number of the last two).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    [Parameter(Mandatory = true)]
    public ExportFormat Format { get; set; }

    /// <summary>Gzip the IDX files (name.gz).</summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    /// <summary>The class a prediction is written under: its true class (Label, the default) or the predicted one.</summary>
    [Parameter]
    public PredictionClass By { get; set; } = PredictionClass.Label;

    /// <summary>Overwrite files that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessOne()
    {
        // -InputObject $samples binds the whole array at once; the pipeline gives one item at a time.
        var given = DataArgument.Unwrap(InputObject);
        foreach (var one in LanguagePrimitives.GetEnumerable(given)?.Cast<object?>() ?? new[] { given })
        {
            var item = DataArgument.Unwrap(one);
            if (item is not (MnistDataset or MnistSplit or MnistSample or MnistPrediction))
                throw new MnistException("ExportUnsupportedInput", MnistErrorKind.InvalidArgument,
                    $"Export-MnistData writes datasets, splits, samples and predictions, not a {item?.GetType().Name ?? "null"}.", item);
            _items.Add(item);
        }
    }

    protected override void EndOfInput()
    {
        if (_items.Count == 0) return;
        var images = Collect();
        var path = PathResolution.Output(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath");
        var plan = DataExporter.Plan(images, path, Format, Compress);
        if (!ShouldProcess(plan.Root, $"Export {images.Description} ({images.Count:N0} images) as {Format}")) return;
        var progress = ThrottledProgress<ExportProgress>(p => p.Done == p.Total,
            p => new ProgressRecord(7, $"Exporting {images.Description} as {Format}", $"{p.Done:N0}/{p.Total:N0} images")
            {
                PercentComplete = p.Total == 0 ? 100 : (int)(p.Done * 100 / p.Total),
                CurrentOperation = p.File,
            });
        var result = DataExporter.Write(plan, Force, progress, Cancellation);
        WriteProgress(new ProgressRecord(7, "Exporting", "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"Wrote {result.Count:N0} images in {result.Files:N0} files to '{result.Path}'.");
        WriteObject(result);
    }

    private ExportImages Collect()
    {
        if (_items.Any(i => i is MnistDataset or MnistSplit))
        {
            if (_items.Count > 1)
                throw new MnistException("ExportMixedData", MnistErrorKind.InvalidArgument,
                    "Export-MnistData writes one dataset or one split at a time (or any number of samples or predictions); it was given several items including a dataset or split.",
                    "InputObject");
            return _items[0] is MnistDataset dataset ? ExportImages.FromDataset(dataset) : ExportImages.FromSplit((MnistSplit)_items[0]);
        }
        if (_items.All(i => i is MnistSample)) return ExportImages.FromSamples(_items.Cast<MnistSample>().ToArray());
        if (_items.All(i => i is MnistPrediction)) return ExportImages.FromPredictions(_items.Cast<MnistPrediction>().ToArray(), By);
        throw new MnistException("ExportMixedData", MnistErrorKind.InvalidArgument,
            "Export-MnistData was given samples and predictions together; export each in its own call.", "InputObject");
    }
}
