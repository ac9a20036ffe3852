using Mnist.Core.Data;
using Mnist.Core.Imaging;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Evaluation;

/// <summary>Softmax probabilities and the predicted class for chosen images.</summary>
public static class Predictor
{
    public static IEnumerable<MnistPrediction> PredictSplit(MnistModel model, MnistSplit split, IReadOnlyList<int>? indices = null,
        CancellationToken cancel = default)
    {
        Evaluator.CheckFits(model, split);
        if (indices is not null)
            foreach (var index in indices) split.CheckIndex(index);
        int total = indices?.Count ?? split.Count;
        for (int start = 0; start < total; start += Evaluator.ChunkSize)
        {
            cancel.ThrowIfCancellationRequested();
            int length = Math.Min(Evaluator.ChunkSize, total - start);
            var rows = indices is null ? Enumerable.Range(start, length).ToArray() : indices.Skip(start).Take(length).ToArray();
            float[] probabilities;
            using (var scope = NewDisposeScope())
            {
                var x = split.Features.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
                probabilities = Probabilities(model, x);
            }
            for (int i = 0; i < rows.Length; i++)
            {
                int row = rows[i];
                yield return Build(model, probabilities.AsSpan(i * model.Spec.Classes, model.Spec.Classes), split.ClassNames) with
                {
                    Index = row,
                    Split = split.Name,
                    Label = split.Labels[row],
                    Pixels = split.GetImage(row),
                };
            }
        }
    }

    /// <summary>Predicts one image given as bytes (0 = background, 255 = ink), row-major.</summary>
    public static MnistPrediction PredictPixels(MnistModel model, ReadOnlySpan<byte> pixels, IReadOnlyList<string>? classNames = null)
    {
        int size = model.Spec.InputRows * model.Spec.InputColumns;
        if (pixels.Length != size)
            throw new MnistException("PixelCountMismatch", MnistErrorKind.InvalidArgument,
                $"An image for this model has {size} pixels ({model.Spec.InputRows}x{model.Spec.InputColumns}); got {pixels.Length}.", pixels.Length);
        var input = new float[size];
        for (int i = 0; i < size; i++) input[i] = pixels[i] / 255f;
        float[] probabilities;
        using (var scope = NewDisposeScope())
            probabilities = Probabilities(model, tensor(input, new long[] { 1, size }));
        return Build(model, probabilities, classNames ?? MnistDataset.DigitClassNames) with { Pixels = pixels.ToArray() };
    }

    /// <summary>Predicts a picture file (PNG, JPEG, ...), prepared the way MNIST's digits were.</summary>
    public static MnistPrediction PredictFile(MnistModel model, string path, IReadOnlyList<string>? classNames = null) =>
        PredictPixels(model, DigitImageFile.Prepare(path), classNames) with { File = path };

    private static float[] Probabilities(MnistModel model, Tensor x)
    {
        using var inference = new InferenceMode(model.Network);
        return nn.functional.softmax(model.Network.forward(x), 1).data<float>().ToArray();
    }

    private static MnistPrediction Build(MnistModel model, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classNames)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++)
            if (probabilities[c] > probabilities[best]) best = c;
        var asDouble = new double[probabilities.Length];
        for (int c = 0; c < asDouble.Length; c++) asDouble[c] = probabilities[c];
        return new MnistPrediction
        {
            Predicted = best,
            PredictedName = best < classNames.Count ? classNames[best] : best.ToString(),
            Confidence = probabilities[best],
            Probabilities = asDouble,
        };
    }
}
