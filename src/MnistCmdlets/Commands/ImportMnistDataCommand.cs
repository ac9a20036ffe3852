using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Data;
using Mnist.Core.Data.Sources;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Loads MNIST (or a drop-in variant), or the user's own labelled pictures and CSV files, as one dataset object holding
/// both splits.
/// </summary>
[Cmdlet(VerbsData.Import, "MnistData", DefaultParameterSetName = "Cache")]
[OutputType(typeof(MnistDataset), typeof(MnistSplit))]
public sealed class ImportMnistDataCommand : MnistCmdlet
{
    /// <summary>
    /// A folder (IDX files; train.csv and test.csv; or class folders of pictures), a .npz or a .csv file; a wildcard must
    /// match exactly one.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The same, taken exactly as written; PSPath and FullName bind from Get-ChildItem / Get-Item.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    [Parameter(ParameterSetName = "Cache")]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    [Parameter]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string? Split { get; set; }

    /// <summary>With the cache: which known dataset (mnist, fashion-mnist, kmnist). With -Path: what to call the data.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string? Name { get; set; }

    /// <summary>The class names, in label order, or the name of a known dataset whose class names to use.</summary>
    [Parameter]
    [ValidateCount(1, 1000)]
    [ArgumentCompleter(typeof(ClassNamesCompleter))]
    public string[]? ClassNames { get; set; }

    /// <summary>Keep only the first N training images (a quick slice for experiments and tests).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TrainCount { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TestCount { get; set; }

    /// <summary>For pictures and CSV files that do not split the data themselves: the share of images the test split takes, by content.</summary>
    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "LiteralPath")]
    [ValidateRange(0.0, 0.9)]
    public double TestFraction { get; set; } = 0.2;

    /// <summary>How pictures become images: by default a 28x28 8-bit grayscale picture is taken as it is and any other gets the digit preparation.</summary>
    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "LiteralPath")]
    [ValidateSet("Digit", "Resize", "None", IgnoreCase = true)]
    public string? Preparation { get; set; }

    protected override void ProcessOne()
    {
        var dataset = ParameterSetName == "Cache" ? LoadCache() : LoadPath();
        if (TrainCount is not null || TestCount is not null)
            dataset = dataset.Take(TrainCount ?? dataset.Train.Count, TestCount ?? dataset.Test.Count);
        WriteObject(Split is null ? dataset : dataset.GetSplit(Split));
    }

    private MnistDataset LoadPath()
    {
        var path = PathResolution.SingleInput(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath",
            given => new Mnist.Core.MnistException("DataPathNotFound", Mnist.Core.MnistErrorKind.NotFound, $"No data path matches '{given}'.", given));
        WriteVerbose($"Loading '{path}'.");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var dataset = MnistLoader.LoadPath(path, new DataImportOptions
        {
            Name = Name,
            ClassNames = DatasetCatalog.ResolveClassNames(ClassNames),
            TestFraction = TestFraction,
            Preparation = Preparation is null ? PicturePreparation.Auto : Enum.Parse<PicturePreparation>(Preparation, ignoreCase: true),
            CacheRoot = DataCache.Root(this),
            Progress = ThrottledProgress<PictureImportProgress>(p => p.IsFinal, p => PictureProgress(path, p)),
            Cancel = Cancellation,
        });
        WriteProgress(new ProgressRecord(1, $"Importing '{path}'", "Done") { RecordType = ProgressRecordType.Completed });
        if (dataset.Import is { } import) ReportImport(path, import, started.Elapsed);
        WriteVerbose(dataset.KnownAs is { } known
            ? $"'{path}' holds {known.Title} (recognised by its SHA-256 sums): named '{dataset.Name}'."
            : $"'{path}' is not a dataset the module knows by its sums: named '{dataset.Name}', classes {string.Join(", ", dataset.ClassNames)}.");
        return dataset;
    }

    private static ProgressRecord PictureProgress(string path, PictureImportProgress p) =>
        new(1, $"Importing '{path}'", $"{p.Done:N0} of {p.Total:N0} pictures ({p.FromCache:N0} from the prepared-image cache)")
        {
            PercentComplete = p.Total == 0 ? 100 : (int)(100L * p.Done / p.Total),
            SecondsRemaining = p.Remaining is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1,
        };

    /// <summary>Files passed over in -Verbose; pictures that could not be used as non-terminating errors naming each file.</summary>
    private void ReportImport(string path, DataImportReport import, TimeSpan elapsed)
    {
        foreach (var skipped in import.SkippedFiles) WriteVerbose($"Skipped '{skipped}': not a picture file by its extension, or a link to a folder.");
        foreach (var note in import.Notes) WriteVerbose(note);
        foreach (var failure in import.Failures) WriteMnistError(failure);
        WriteVerbose($"'{path}': {import} in {elapsed.TotalSeconds:N1} s.");
    }

    private MnistDataset LoadCache()
    {
        var dataset = DatasetCatalog.Get(Name ?? DatasetCatalog.Mnist.Name);
        var root = DataCache.Root(this, CachePath);
        var folder = dataset.CacheFolderIn(root);
        if (MnistLoader.CacheIsComplete(root, dataset))
        {
            WriteVerbose($"Reading {dataset.Name} from the cache '{folder}'.");
        }
        else
        {
            var mirrors = dataset.ConfiguredMirrors(Environment.GetEnvironmentVariable(MnistFiles.MirrorsVariable));
            WriteVerbose($"The cache '{folder}' lacks some {dataset.Name} files; downloading them from {string.Join(", ", mirrors.Select(Mnist.Core.Web.WebAddress.Shown))}.");
            var progress = ThrottledProgress<DownloadProgress>(
                p => p.TotalBytes is long total && p.BytesReceived >= total,
                p => new ProgressRecord(1, $"Downloading {dataset.Name} {p.File}.gz",
                    p.TotalBytes is long size
                        ? $"{p.BytesReceived / 1024:N0} of {size / 1024:N0} KB from {p.Mirror}"
                        : $"{p.BytesReceived / 1024:N0} KB from {p.Mirror}")
                {
                    PercentComplete = p.TotalBytes is long total && total > 0 ? (int)Math.Min(100, p.BytesReceived * 100 / total) : -1,
                });
            new MnistDownloader(mirrors, files: dataset.Files).FillCache(folder, progress, Cancellation);
            WriteProgress(new ProgressRecord(1, $"Downloading {dataset.Name}", "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"Downloaded {dataset.Name} into '{folder}'; every file matched its published SHA-256.");
        }
        return MnistLoader.LoadCache(root, dataset, null, DatasetCatalog.ResolveClassNames(ClassNames));
    }
}
