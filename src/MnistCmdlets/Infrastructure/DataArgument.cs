using System.Management.Automation;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Resolves the -Data / -Split pair that the sample, evaluation and prediction cmdlets share.</summary>
internal static class DataArgument
{
    /// <summary>The object a PowerShell value stands for.</summary>
    public static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    /// <summary>
    /// The named split of a dataset (<paramref name="defaultSplit"/> when none is named), or a split given directly,
    /// which must then be the one named.
    /// </summary>
    public static MnistSplit ToSplit(object? data, string? splitName, string defaultSplit)
    {
        switch (Unwrap(data))
        {
            case MnistDataset dataset:
                return dataset.GetSplit(splitName ?? defaultSplit);
            case MnistSplit split when splitName is not null && !split.Name.Equals(splitName, StringComparison.OrdinalIgnoreCase):
                throw new MnistException("SplitMismatch", MnistErrorKind.InvalidArgument,
                    $"-Split {splitName} was asked for, but the data given is the {split.Name} split.", splitName);
            case MnistSplit split:
                return split;
            case var other:
                throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
                    $"-Data takes a dataset from Import-MnistData or one of its splits, not a {other?.GetType().Name ?? "null"}.", "Data");
        }
    }

    /// <summary>As <see cref="ToSplit"/> (test split by default), or without data the model's own dataset.</summary>
    public static (MnistSplit Split, string? DataName) Resolve(object? data, string? splitName, MnistModel model)
    {
        data = Unwrap(data);
        if (data is null)
        {
            var trainedOn = model.TrainedOn ?? throw new MnistException("NoDataForModel", MnistErrorKind.InvalidArgument,
                "The model does not remember a dataset (it was not trained in this session); give one with -Data.", "Data");
            return (trainedOn.GetSplit(splitName ?? "Test"), trainedOn.Name);
        }
        return (ToSplit(data, splitName, "Test"), (data as MnistDataset)?.Name);
    }
}
