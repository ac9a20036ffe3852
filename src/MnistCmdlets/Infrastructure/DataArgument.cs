using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Resolves the -Data / -Split pair the evaluation and prediction cmdlets share.</summary>
internal static class DataArgument
{
    /// <summary>A split given directly, the named split of a dataset, or the model's own training data.</summary>
    public static (MnistSplit Split, string? DataName) Resolve(object? data, string? splitName, MnistModel model)
    {
        var value = data is System.Management.Automation.PSObject wrapped ? wrapped.BaseObject : data;
        return value switch
        {
            MnistSplit split => (split, null),
            MnistDataset dataset => (dataset.GetSplit(splitName ?? "Test"), dataset.Name),
            null when model.TrainedOn is { } trainedOn => (trainedOn.GetSplit(splitName ?? "Test"), trainedOn.Name),
            null => throw new MnistException("NoDataForModel", MnistErrorKind.InvalidArgument,
                "The model does not remember a dataset (it was not trained in this session); give one with -Data.", "Data"),
            _ => throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
                $"-Data takes a dataset from Import-MnistData or one of its splits, not a {value.GetType().Name}.", "Data"),
        };
    }
}
