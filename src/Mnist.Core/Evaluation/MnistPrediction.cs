namespace Mnist.Core.Evaluation;

/// <summary>What the model says about one image.</summary>
public sealed record MnistPrediction
{
    /// <summary>Index in the split, or -1 for an image that came from a file or a pixel array.</summary>
    public int Index { get; init; } = -1;
    public string? Split { get; init; }

    /// <summary>The dataset the image came from, when it came from one.</summary>
    public string? DatasetName { get; init; }

    /// <summary>The name of the model that made the prediction.</summary>
    public string? Model { get; init; }
    public string? File { get; init; }
    public int Predicted { get; init; }
    public string? PredictedName { get; init; }
    public double Confidence { get; init; }
    public double[] Probabilities { get; init; } = Array.Empty<double>();
    /// <summary>The true class, only when the image's data has the model's classes (else null, and IsCorrect with it).</summary>
    public int? Label { get; init; }

    /// <summary>The image's own class name in its dataset, even when its classes are not the model's.</summary>
    public string? TrueClassName { get; init; }
    public bool? IsCorrect => Label is null ? null : Label == Predicted;

    /// <summary>The 784 pixels the model saw (after preprocessing, for files), for display and Export-MnistData.</summary>
    public byte[] Pixels { get; init; } = Array.Empty<byte>();

    /// <summary>The image's height and width in pixels (the model's input shape).</summary>
    public int Rows { get; init; }
    public int Columns { get; init; }

    /// <summary>The model's classes in label order: what Predicted and Label index.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = Array.Empty<string>();

    /// <summary>Which image this is: the picture's file name, the dataset, split and index, or "pixels".</summary>
    public string Image => File is not null ? System.IO.Path.GetFileName(File)
        : Index >= 0 ? $"{(DatasetName is null ? "" : DatasetName + " ")}{Split}[{Index}]"
        : "pixels";

    public string Title => Label is null ? $"Predicted {PredictedName ?? Predicted.ToString()}" : $"Predicted {PredictedName ?? Predicted.ToString()}, Class {TrueClassName ?? Label.ToString()}";

    public override string ToString() => $"{Rendering.SafeText.Of(Title)} ({Confidence:P1})";
}
