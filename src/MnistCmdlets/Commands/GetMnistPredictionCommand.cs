using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Imaging;
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

    /// <summary>Picture files of digits (PNG, JPEG, ...); wildcards expand.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Picture files taken exactly as written; PSPath and FullName bind from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessOne()
    {
        Model.ThrowIfDisposed();
        if (ParameterSetName is "Path" or "LiteralPath")
        {
            _pictures ??= new PictureReadAhead(Cancellation);
            var files = PathResolution.Inputs(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath",
                path => new MnistException("ImageNotFound", MnistErrorKind.NotFound, $"No file matches '{path}'.", path),
                problem => { WritePictures(all: true); WriteMnistError(problem); });
            foreach (var file in files)
            {
                Cancellation.ThrowIfCancellationRequested();
                _pictures.Add(file, Model);
                WritePictures(all: false);
            }
            return;
        }
        WritePictures(all: true);
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

    /// <summary>Files are prepared on every core a window ahead (from one call's list and from the pipeline alike) and written in input order.</summary>
    private PictureReadAhead? _pictures;

    protected override void EndOfInput() => WritePictures(all: true);

    /// <summary>Writes the oldest prepared pictures' predictions (or their errors) until the window has room, or all of them.</summary>
    private void WritePictures(bool all)
    {
        while (_pictures is { Count: > 0 } && (all || _pictures.IsFull))
        {
            var picture = _pictures.TakeOldest();
            if (picture.Error is not null)
            {
                WriteMnistError(picture.Error);
                continue;
            }
            try
            {
                WriteObject(Predictor.PredictPrepared((MnistModel)picture.Tag!, picture.Path, picture.Pixels!));
            }
            catch (MnistException e)
            {
                WriteMnistError(e);
            }
        }
    }
}
