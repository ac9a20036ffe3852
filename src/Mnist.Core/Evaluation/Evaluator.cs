using Mnist.Core.Data;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Evaluation;

public sealed record EvaluationProgress(int Done, int Total);

/// <summary>Runs a model over whole splits in inference mode.</summary>
public static class Evaluator
{
    /// <summary>Images per forward pass when running over a whole split.</summary>
    internal const int ChunkSize = 2000;

    /// <summary>Loss (mean cross-entropy), confusion matrix and per-class metrics on every image of the split.</summary>
    public static MnistEvaluation Evaluate(MnistModel model, MnistSplit split,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancel = default)
    {
        using var use = model.BeginUse();
        CheckFits(model, split);
        Runtime.NativeAllocator.KeepFreedMemoryForReuse();
        int classes = model.Spec.Classes;
        var (lossSum, pairCounts) = Accumulate(model, split.Features, split.LabelTensor, classes, progress, cancel);
        var matrix = new int[classes][];
        for (int r = 0; r < classes; r++)
        {
            matrix[r] = new int[classes];
            for (int c = 0; c < classes; c++) matrix[r][c] = (int)pairCounts[r * classes + c];
        }
        return new MnistEvaluation(split.Count == 0 ? 0 : lossSum / split.Count, matrix, split.ClassNames, split.Name, split.DatasetName)
        {
            Model = model.Name,
            ModelFile = model.FilePath,
            Data = split.Data,
        };
    }

    /// <summary>Summed loss and (true, predicted) pair counts over the given rows, read from the tensors once.</summary>
    internal static (double LossSum, long[] PairCounts) Accumulate(MnistModel model, Tensor features, Tensor labels, int classes,
        IProgress<EvaluationProgress>? progress, CancellationToken cancel)
    {
        using var inference = new InferenceMode(model.Network);
        using var lossSum = zeros(1, ScalarType.Float64);
        using var pairs = zeros(classes * classes, ScalarType.Int64);
        long total = features.shape[0];
        for (long start = 0; start < total; start += ChunkSize)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long length = Math.Min(ChunkSize, total - start);
            var x = features.narrow(0, start, length);
            var y = labels.narrow(0, start, length);
            var logits = model.Network.forward(x);
            lossSum.add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
            pairs.add_(y.mul(classes).add_(logits.argmax(1)).bincount(null, classes * classes));
            progress?.Report(new EvaluationProgress((int)(start + length), (int)total));
        }
        return (lossSum.item<double>(), pairs.data<long>().ToArray());
    }

    /// <summary>Refuses a split of another image shape or other classes than the model's (never a silent, meaningless score).</summary>
    public static void CheckFits(MnistModel model, MnistSplit split) =>
        model.CheckData($"{split.DatasetName ?? "data"} ({split.Name})", split.Rows, split.Columns, split.ClassNames,
            split.DatasetName ?? split.Name, forTraining: false);
}
