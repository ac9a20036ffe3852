using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>The elementwise parts of a dense network's hand-derived training step, each one pass over its rows.</summary>
internal static class DenseNetworkKernels
{
    /// <summary>
    /// The gradient through ReLU and dropout, in place: where the layer's output is positive the gradient is scaled by
    /// the dropout's 1 / (1 - rate) (1 without dropout), elsewhere it is zero; a positive output is exactly where
    /// both ReLU and the mask let the value through. Adds each column's sum to <paramref name="biasGradient"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluDropoutBackward(Span<float> gradient, ReadOnlySpan<float> output, float scale, Span<float> biasGradient, int rows, int columns)
    {
        if (gradient.Length != rows * columns || output.Length != gradient.Length || biasGradient.Length != columns)
            throw new ArgumentException("The gradient, the output and the bias gradient do not match the shape.");
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float b = ref MemoryMarshal.GetReference(biasGradient);
        var vs = Vector256.Create(scale);
        for (int r = 0; r < rows; r++)
        {
            nuint row = (nuint)(r * columns);
            int c = 0;
            for (; c <= columns - Vector256<float>.Count; c += Vector256<float>.Count)
            {
                nuint i = row + (nuint)c;
                var passed = Vector256.GreaterThan(Vector256.LoadUnsafe(ref o, i), Vector256<float>.Zero);
                var value = passed & (Vector256.LoadUnsafe(ref g, i) * vs);
                value.StoreUnsafe(ref g, i);
                (Vector256.LoadUnsafe(ref b, (nuint)c) + value).StoreUnsafe(ref b, (nuint)c);
            }
            for (; c < columns; c++)
            {
                int i = r * columns + c;
                gradient[i] = output[i] > 0 ? gradient[i] * scale : 0f;
                biasGradient[c] += gradient[i];
            }
        }
    }

    /// <summary>
    /// Softmax cross-entropy over rows of logits against class probabilities (or, with <paramref name="targets"/>
    /// empty, the labels as one-hot targets), as torch's cross_entropy with mean reduction: writes the gradient of
    /// the batch's mean loss to <paramref name="logitsGradient"/>, adds its column sums to <paramref name="biasGradient"/>,
    /// and returns the summed (not mean) loss and how many rows' largest logit is their label.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, long Correct) SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<long> labels,
        Span<float> logitsGradient, Span<float> biasGradient, int rows, int classes)
    {
        if (logits.Length != rows * classes || logitsGradient.Length != logits.Length || labels.Length != rows
            || biasGradient.Length != classes || !targets.IsEmpty && targets.Length != logits.Length)
            throw new ArgumentException("The logits, targets, labels and gradients do not match the shape.");
        double lossSum = 0;
        long correct = 0;
        float perRow = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * classes, classes);
            var gradient = logitsGradient.Slice(r * classes, classes);
            int label = (int)labels[r];
            int best = 0;
            float max = row[0];
            for (int k = 1; k < classes; k++)
                if (row[k] > max) (max, best) = (row[k], k);
            if (best == label) correct++;
            float sum = 0;
            for (int k = 0; k < classes; k++) sum += MathF.Exp(row[k] - max);
            float logSumExp = max + MathF.Log(sum);
            float targetSum = 0, targetDot = 0;
            for (int k = 0; k < classes; k++)
            {
                float target = targets.IsEmpty ? (k == label ? 1f : 0f) : targets[r * classes + k];
                targetSum += target;
                targetDot += target * row[k];
            }
            lossSum += (double)logSumExp * targetSum - targetDot;
            for (int k = 0; k < classes; k++)
            {
                float target = targets.IsEmpty ? (k == label ? 1f : 0f) : targets[r * classes + k];
                float value = (MathF.Exp(row[k] - logSumExp) * targetSum - target) * perRow;
                gradient[k] = value;
                biasGradient[k] += value;
            }
        }
        return (lossSum, correct);
    }
}
