using Mnist.Core.Data;
using Mnist.Core.Imaging;
using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Evaluation;

/// <summary>
/// Softmax probabilities and the predicted class for chosen images, named from the model's own class names. An
/// image's true label is reported (and IsCorrect with it) only when it comes from data with the model's classes.
/// </summary>
public static class Predictor
{
    public static IEnumerable<MnistPrediction> PredictSplit(MnistModel model, MnistSplit split, IReadOnlyList<int>? indices = null,
        CancellationToken cancel = default)
    {
        CheckShape(model, split.Rows, split.Columns, split.DatasetName ?? split.Name);
        if (indices is not null)
            foreach (var index in indices) split.CheckIndex(index);
        bool sameClasses = split.ClassNames.SequenceEqual(model.ClassNames);
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
                yield return Build(model, probabilities.AsSpan(i * model.Spec.Classes, model.Spec.Classes)) with
                {
                    Index = row,
                    Split = split.Name,
                    DatasetName = split.DatasetName,
                    Label = sameClasses ? split.Labels[row] : null,
                    TrueClassName = split.ClassNames[split.Labels[row]],
                    Pixels = split.GetImage(row),
                };
            }
        }
    }

    /// <summary>Predicts samples on their own pixels, whichever dataset they came from.</summary>
    public static IEnumerable<MnistPrediction> PredictSamples(MnistModel model, IReadOnlyList<MnistSample> samples, CancellationToken cancel = default)
    {
        foreach (var sample in samples) CheckShape(model, sample.Rows, sample.Columns, sample.DatasetName ?? "the sample");
        int size = model.InputRows * model.InputColumns;
        for (int start = 0; start < samples.Count; start += Evaluator.ChunkSize)
        {
            cancel.ThrowIfCancellationRequested();
            int length = Math.Min(Evaluator.ChunkSize, samples.Count - start);
            var input = new float[length * size];
            for (int i = 0; i < length; i++)
            {
                var pixels = samples[start + i].Pixels;
                for (int p = 0; p < size; p++) input[i * size + p] = pixels[p] / 255f;
            }
            float[] probabilities;
            using (var scope = NewDisposeScope())
                probabilities = Probabilities(model, tensor(input, new long[] { length, size }));
            for (int i = 0; i < length; i++)
            {
                var sample = samples[start + i];
                yield return Build(model, probabilities.AsSpan(i * model.Spec.Classes, model.Spec.Classes)) with
                {
                    Index = sample.Index,
                    Split = sample.Split,
                    DatasetName = sample.DatasetName,
                    Label = sample.ClassNames.SequenceEqual(model.ClassNames) ? sample.Label : null,
                    TrueClassName = sample.ClassName,
                    Pixels = sample.Pixels,
                };
            }
        }
    }

    /// <summary>Predicts one image given as bytes (0 = background, 255 = ink), row-major.</summary>
    public static MnistPrediction PredictPixels(MnistModel model, ReadOnlySpan<byte> pixels)
    {
        int size = model.InputRows * model.InputColumns;
        if (pixels.Length != size)
            throw new MnistException("PixelCountMismatch", MnistErrorKind.InvalidArgument,
                $"An image for this model has {size} pixels ({model.InputShape}); got {pixels.Length}.", pixels.Length);
        float[] probabilities;
        using (var scope = NewDisposeScope())
        {
            // Written straight into memory libtorch owns: a tensor over a pinned .NET array costs a pin and, when it is
            // freed, a call from libtorch back into .NET; a picture pays both on the pipeline's thread.
            var x = empty(new long[] { 1, size }, ScalarType.Float32);
            var input = x.Floats();
            for (int i = 0; i < size; i++) input[i] = pixels[i] / 255f;
            probabilities = Probabilities(model, x);
        }
        return Build(model, probabilities) with { Pixels = pixels.ToArray() };
    }

    /// <summary>Predicts a picture file (PNG, JPEG, ...), prepared the way MNIST's digits were.</summary>
    public static MnistPrediction PredictFile(MnistModel model, string path, CancellationToken cancel = default) =>
        PredictPrepared(model, path, DigitImageFile.Prepare(path, cancel));

    /// <summary>Predicts a picture file already prepared (by <see cref="PictureReadAhead"/>, say) from its 28x28 pixels.</summary>
    public static MnistPrediction PredictPrepared(MnistModel model, string path, byte[] pixels) =>
        PredictPixels(model, pixels) with { File = path };

    private static void CheckShape(MnistModel model, int rows, int columns, string dataName)
    {
        if (rows != model.InputRows || columns != model.InputColumns)
            throw new MnistException("ModelDataMismatch", MnistErrorKind.InvalidArgument,
                $"Model '{model.Name}' takes {model.InputShape} images; {dataName} has {rows}x{columns} images.", dataName);
    }

    private static float[] Probabilities(MnistModel model, Tensor x)
    {
        using var use = model.BeginUse();
        using var inference = new InferenceMode(model.Network);
        var probabilities = nn.functional.softmax(model.Network.forward(x), 1);
        return (probabilities.is_contiguous() ? probabilities : probabilities.contiguous()).Floats().ToArray();
    }

    private static MnistPrediction Build(MnistModel model, ReadOnlySpan<float> probabilities)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++)
            if (probabilities[c] > probabilities[best]) best = c;
        var asDouble = new double[probabilities.Length];
        for (int c = 0; c < asDouble.Length; c++) asDouble[c] = probabilities[c];
        return new MnistPrediction
        {
            Predicted = best,
            PredictedName = model.ClassNames[best],
            Confidence = probabilities[best],
            Probabilities = asDouble,
            Model = model.Name,
            Rows = model.InputRows,
            Columns = model.InputColumns,
            ClassNames = model.ClassNames,
        };
    }
}
