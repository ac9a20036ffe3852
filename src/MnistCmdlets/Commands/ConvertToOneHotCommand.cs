using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Commands;

/// <summary>Keras' to_categorical: a dataset's labels become one-hot, or integers become one-hot vectors.</summary>
[Cmdlet(VerbsData.ConvertTo, "OneHot", DefaultParameterSetName = "Label")]
[OutputType(typeof(float[]), ParameterSetName = new[] { "Label" })]
[OutputType(typeof(MnistDataset), ParameterSetName = new[] { "Dataset" })]
[OutputType(typeof(MnistSplit), ParameterSetName = new[] { "Split" })]
public sealed class ConvertToOneHotCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Label")]
    public int[] Label { get; set; } = Array.Empty<int>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Dataset")]
    public MnistDataset? Dataset { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Split")]
    public MnistSplit? Split { get; set; }

    [Parameter(ParameterSetName = "Label")]
    [ValidateRange(2, 100000)]
    public int Classes { get; set; } = 10;

    protected override void ProcessOne()
    {
        switch (ParameterSetName)
        {
            case "Dataset":
                WriteObject(Dataset!.WithEncoding(LabelEncoding.OneHot));
                break;
            case "Split":
                WriteObject(Split!.WithEncoding(LabelEncoding.OneHot));
                break;
            default:
                foreach (var label in Label)
                {
                    try
                    {
                        WriteObject(OneHot.Encode(label, Classes), enumerateCollection: false);
                    }
                    catch (MnistException e)
                    {
                        WriteMnistError(e);
                    }
                }
                break;
        }
    }
}
