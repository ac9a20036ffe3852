using Mnist.Core.Data;
using static TorchSharp.torch;

namespace Mnist.Core.Training;

/// <summary>
/// Which rows of a training split are held out for validation: the last fraction of every part. Keras holds out the
/// last fraction of the whole, so a small dataset joined after MNIST would only ever be validated on, never trained
/// on; here each part gives its own share. Data that was not joined is one part, and gets exactly Keras's rows (and
/// the very same tensors as before parts existed, so its training is bitwise unchanged).
/// </summary>
internal sealed class ValidationRows : IDisposable
{
    private readonly Tensor? _trainRows;
    private readonly Tensor? _validationRows;

    private ValidationRows(int trainCount, int validationCount, long[]? trainRows, long[]? validationRows)
    {
        TrainCount = trainCount;
        ValidationCount = validationCount;
        if (trainRows is not null) _trainRows = KeptOutOfScopes(tensor(trainRows));
        if (validationRows is not null) _validationRows = KeptOutOfScopes(tensor(validationRows));
    }

    public int TrainCount { get; }
    public int ValidationCount { get; }

    public static ValidationRows Of(MnistSplit split, double validationSplit)
    {
        if (split.PartCounts.Count == 1)
        {
            int trainCount = (int)(split.Count * (1 - validationSplit));
            return new ValidationRows(trainCount, split.Count - trainCount, null, null);
        }
        var train = new List<long>();
        var validation = new List<long>();
        long start = 0;
        foreach (var count in split.PartCounts)
        {
            int partTrain = (int)(count * (1 - validationSplit));
            for (long row = start; row < start + count; row++) (row < start + partTrain ? train : validation).Add(row);
            start += count;
        }
        return new ValidationRows(train.Count, validation.Count, train.ToArray(), validation.ToArray());
    }

    /// <summary>Positions among the training rows (0 to TrainCount-1) as rows of the split; takes ownership of them.</summary>
    public Tensor ToSplitRows(Tensor positions)
    {
        if (_trainRows is null) return positions;
        using (positions) return _trainRows.index_select(0, positions);
    }

    /// <summary>The validation rows of a whole-split tensor (a view when they are the split's last rows).</summary>
    public Tensor Validation(Tensor whole) => _validationRows is null
        ? whole.narrow(0, TrainCount, ValidationCount)
        : whole.index_select(0, _validationRows);

    private static Tensor KeptOutOfScopes(Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }

    public void Dispose()
    {
        _trainRows?.Dispose();
        _validationRows?.Dispose();
    }
}
