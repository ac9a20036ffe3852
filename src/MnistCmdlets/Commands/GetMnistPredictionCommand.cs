using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Commands;

/// <summary>Keras' predict() + argmax: the predicted class, its confidence and all probabilities.</summary>
[Cmdlet(VerbsCommon.Get, "MnistPrediction", DefaultParameterSetName = "Data")]
[OutputType(typeof(MnistPrediction))]
public sealed class GetMnistPredictionCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public MnistModel Model { get; set; } = null!;

    /// <summary>Samples from Get-MnistSample (any dataset): each is predicted on its own pixels.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Sample", ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public MnistSample[] Sample { get; set; } = Array.Empty<MnistSample>();

    [Parameter(ParameterSetName = "Data")]
    public object? Data { get; set; }

    [Parameter(ParameterSetName = "Data", ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string? Split { get; set; }

    [Parameter(ParameterSetName = "Data", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [IntegerRanges]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Index { get; set; }

    /// <summary>Raw images: 784 values each, 0 (background) to 255 (ink).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Pixels", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PixelImages]
    [ValidateNotNullOrEmpty]
    public byte[][] Pixels { get; set; } = Array.Empty<byte[]>();

    /// <summary>Picture files of digits (PNG, JPEG, ...); wildcards expand; FullName binds from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessOne()
    {
        if (ParameterSetName == "Path")
        {
            foreach (var file in ResolveFiles(Path))
            {
                Cancellation.ThrowIfCancellationRequested();
                try
                {
                    WriteObject(Predictor.PredictFile(Model, file));
                }
                catch (MnistException e)
                {
                    WriteMnistError(e);
                }
            }
            return;
        }
        if (ParameterSetName == "Pixels")
        {
            foreach (var image in Pixels)
            {
                try
                {
                    WriteObject(Predictor.PredictPixels(Model, image));
                }
                catch (MnistException e)
                {
                    WriteMnistError(e);
                }
            }
            return;
        }
        if (ParameterSetName == "Sample")
        {
            foreach (var prediction in Predictor.PredictSamples(Model, Sample, Cancellation))
                WriteObject(prediction);
            return;
        }
        var split = DataArgument.Resolve(Data, Split, Model, DataCache.Root(this));
        foreach (var prediction in Predictor.PredictSplit(Model, split, Index, Cancellation))
            WriteObject(prediction);
    }

    /// <summary>
    /// Wildcard paths expand to the files they match; other paths, and names that exist as written (digit[1].png from
    /// Get-ChildItem), are taken literally, so a missing file gets its own error.
    /// </summary>
    private IEnumerable<string> ResolveFiles(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var literal = ResolvePath(path);
            if (!WildcardPattern.ContainsWildcardCharacters(path) || File.Exists(literal))
            {
                yield return literal;
                continue;
            }
            IReadOnlyList<string> matches;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException)
            {
                matches = Array.Empty<string>();
            }
            if (matches.Count == 0)
                WriteMnistError(new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"No file matches '{path}'.", path));
            foreach (var match in matches) yield return match;
        }
    }
}
