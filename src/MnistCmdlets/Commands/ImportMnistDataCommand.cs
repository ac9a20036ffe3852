using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Commands;

/// <summary>Loads MNIST (or a drop-in variant) as one dataset object holding both splits.</summary>
[Cmdlet(VerbsData.Import, "MnistData", DefaultParameterSetName = "Cache")]
[OutputType(typeof(MnistDataset), typeof(MnistSplit))]
public sealed class ImportMnistDataCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(ParameterSetName = "Cache")]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    [Parameter]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string? Split { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string? Name { get; set; }

    [Parameter]
    [ValidateCount(2, 1000)]
    [ArgumentCompleter(typeof(ClassNamesCompleter))]
    public string[]? ClassNames { get; set; }

    /// <summary>Keep only the first N training images (a quick slice for experiments and tests).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TrainCount { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TestCount { get; set; }

    protected override void ProcessOne()
    {
        var dataset = ParameterSetName == "Path" ? LoadPath() : LoadCache();
        if (TrainCount is not null || TestCount is not null)
            dataset = dataset.Take(TrainCount ?? dataset.Train.Count, TestCount ?? dataset.Test.Count);
        WriteObject(Split is null ? dataset : dataset.GetSplit(Split));
    }

    private MnistDataset LoadPath()
    {
        var path = ResolvePath(Path);
        WriteVerbose($"Loading '{path}'.");
        return MnistLoader.LoadPath(path, Name, ClassNames);
    }

    private MnistDataset LoadCache()
    {
        var folder = CachePath is null ? MnistFiles.DefaultCacheFolder : ResolvePath(CachePath);
        if (!MnistLoader.CacheIsComplete(folder))
        {
            WriteVerbose($"The cache '{folder}' lacks some MNIST files; downloading them.");
            var progress = ThrottledProgress<DownloadProgress>(
                p => p.TotalBytes is long total && p.BytesReceived >= total,
                p => new ProgressRecord(1, $"Downloading {p.File}.gz", $"{p.BytesReceived / 1024:N0} KB from {p.Mirror}")
                {
                    PercentComplete = p.TotalBytes is long total && total > 0 ? (int)Math.Min(100, p.BytesReceived * 100 / total) : -1,
                });
            new MnistDownloader().FillCache(folder, progress, Cancellation);
            WriteProgress(new ProgressRecord(1, "Downloading MNIST", "Done") { RecordType = ProgressRecordType.Completed });
        }
        return MnistLoader.LoadCache(folder, Name, ClassNames);
    }
}
