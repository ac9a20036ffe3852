using System.Management.Automation;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>Resolves the -Data / -Split pair that the sample, training, evaluation and prediction cmdlets share.</summary>
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
            case MnistModel:
                throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
                    "-Data was given a model; it takes a dataset from Import-MnistData or one of its splits (give the model with -Model).", "Data");
            case var other:
                throw new MnistException("InvalidDataArgument", MnistErrorKind.InvalidArgument,
                    $"-Data takes a dataset from Import-MnistData or one of its splits, not a {other?.GetType().Name ?? "null"}.", "Data");
        }
    }

    /// <summary>The split to train on: a dataset's Train split, or a Train split given directly.</summary>
    public static MnistSplit ToTrainingSplit(object? data)
    {
        var split = ToSplit(data, null, "Train");
        if (!split.Name.Equals("Train", StringComparison.OrdinalIgnoreCase))
            throw new MnistException("SplitMismatch", MnistErrorKind.InvalidArgument,
                $"Training takes the Train split (its last part is held out for validation); the data given is the {split.Name} split.", "Data");
        return split;
    }

    /// <summary>As <see cref="ToSplit"/> (test split by default), or without data the data the model was trained on.</summary>
    public static MnistSplit Resolve(object? data, string? splitName, MnistModel model, string cacheRoot)
    {
        data = Unwrap(data);
        if (data is not null) return ToSplit(data, splitName, "Test");
        var identity = model.TrainingData ?? throw new MnistException("NoDataForModel", MnistErrorKind.InvalidArgument,
            $"Model '{model.Name}' has not been trained, so it has no data of its own to be scored on.", "Data");
        var dataset = TrainingDataLocator.Locate(identity, cacheRoot) ?? throw new MnistException("NoDataForModel",
            MnistErrorKind.InvalidArgument,
            $"Model '{model.Name}' was trained on '{identity}', which is neither loaded in this session nor a known dataset in the cache '{cacheRoot}'.",
            "Data");
        return dataset.GetSplit(splitName ?? "Test");
    }
}
