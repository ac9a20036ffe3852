namespace Mnist.Core.Evaluation;

/// <summary>What the model says about one image.</summary>
public sealed record MnistPrediction
{
    /// <summary>Index in the split, or -1 for an image that came from a file or a pixel array.</summary>
    public int Index { get; init; } = -1;
    public string? Split { get; init; }
    public string? File { get; init; }
    public int Predicted { get; init; }
    public string? PredictedName { get; init; }
    public double Confidence { get; init; }
    public double[] Probabilities { get; init; } = Array.Empty<double>();
    public int? Label { get; init; }
    public bool? IsCorrect => Label is null ? null : Label == Predicted;

    /// <summary>The 784 pixels the model saw (after preprocessing, for files), for display.</summary>
    public byte[] Pixels { get; init; } = Array.Empty<byte>();

    public string Title => Label is null ? $"Predicted {Predicted}" : $"Predicted {Predicted}, Class {Label}";

    public override string ToString() => $"{Title} ({Confidence:P1})";
}
