using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
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

    [Parameter(ParameterSetName = "Data")]
    public object? Data { get; set; }

    [Parameter(ParameterSetName = "Data")]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string? Split { get; set; }

    [Parameter(ParameterSetName = "Data", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [IntegerRanges]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Index { get; set; }

    /// <summary>Raw images: 784 values each, 0 (background) to 255 (ink).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Pixels", ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public byte[][] Pixels { get; set; } = Array.Empty<byte[]>();

    protected override void ProcessOne()
    {
        if (ParameterSetName == "Pixels")
        {
            foreach (var image in Pixels)
                WriteObject(Predictor.PredictPixels(Model, image));
            return;
        }
        var (split, _) = DataArgument.Resolve(Data, Split, Model);
        foreach (var prediction in Predictor.PredictSplit(Model, split, Index, Cancellation))
            WriteObject(prediction);
    }
}
