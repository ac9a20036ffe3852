using Mnist.Core.Data;
using Mnist.Core.Evaluation;

namespace Mnist.Core.Rendering;

/// <summary>One picture of a grid: grayscale pixels, a title under it and, for predictions, whether it was right.</summary>
public sealed record ImageTile(byte[] Pixels, int Rows, int Columns, string Title, bool? IsCorrect = null)
{
    public const int MnistSide = 28;

    public static ImageTile From(MnistSample sample) =>
        new(sample.Pixels, sample.Rows, sample.Columns, sample.Title);

    public static ImageTile From(MnistPrediction prediction)
    {
        if (prediction.Pixels.Length != MnistSide * MnistSide)
            throw new MnistException("PredictionHasNoPixels", MnistErrorKind.InvalidArgument,
                $"The prediction '{prediction.Title}' carries {prediction.Pixels.Length} pixels, not a {MnistSide}x{MnistSide} image.", prediction);
        return new(prediction.Pixels, MnistSide, MnistSide, prediction.Title, prediction.IsCorrect);
    }

    /// <summary>A sample or a prediction as a tile; anything else is refused naming its type.</summary>
    public static ImageTile From(object item) => item switch
    {
        MnistSample sample => From(sample),
        MnistPrediction prediction => From(prediction),
        ImageTile tile => tile,
        _ => throw new MnistException("NotAnImage", MnistErrorKind.InvalidArgument,
            $"Expected a sample (Get-MnistSample) or a prediction (Get-MnistPrediction), not a {item?.GetType().FullName ?? "null"}.", item),
    };

    public byte this[int row, int column] => Pixels[row * Columns + column];
}
