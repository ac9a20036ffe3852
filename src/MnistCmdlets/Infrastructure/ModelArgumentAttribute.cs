using System.Management.Automation;
using Mnist.Core.Data;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// On a -Model parameter that takes the pipeline: anything but a model (most often a dataset piped where the model
/// belongs) is refused with a message that says to pipe a model and shows how, instead of PowerShell's generic
/// "the input object cannot be bound".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ModelArgumentAttribute : ArgumentTransformationAttribute
{
    /// <summary>How to call the cmdlet with a model, e.g. "$model | Test-MnistModel".</summary>
    public ModelArgumentAttribute(string usage) => Usage = usage;

    public string Usage { get; }

    /// <summary>How to call it with a model and the data, when the cmdlet takes data too.</summary>
    public string? UsageWithData { get; set; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            null or MnistModel => inputData,
            MnistDataset dataset => throw new ArgumentTransformationMetadataException(DataMessage($"the dataset '{dataset.Name}'")),
            MnistSplit split => throw new ArgumentTransformationMetadataException(DataMessage($"the {split.Name} split of '{split.DatasetName}'")),
            _ => throw new ArgumentTransformationMetadataException(
                $"This takes a model (from New-MnistModel, Invoke-MnistTraining or Import-MnistModel), not a {value.GetType().Name}: {Usage}."),
        };
    }

    private string DataMessage(string what) =>
        $"This takes a model, and was given {what}. " +
        (UsageWithData is null ? $"Pipe a model: {Usage}" : $"Pipe a model and name the data with -Data: {UsageWithData}") +
        "; to get a model, train one on the data first: $model = $data | Invoke-MnistTraining.";
}
