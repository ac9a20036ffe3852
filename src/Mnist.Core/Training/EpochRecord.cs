using System.Text.Json.Serialization;

namespace Mnist.Core.Training;

/// <summary>
/// One row of a model's History: what Keras prints at the end of an epoch. Its public properties are the columns of
/// its table view, with the table's (Keras') names and in the table's order, so Export-Csv and ConvertTo-Json (which
/// reads public properties, also of rows nested in a model) give that one set of names; the extra facts follow.
/// C# in this assembly uses the PascalCase names (internal); scripts reach them through hidden aliases
/// (module/Mnist.types.ps1xml). model.json keeps the PascalCase names.
/// </summary>
public sealed record EpochRecord
{
    public int Epoch { get; init; }
    [JsonPropertyName("Loss")] public double loss { get; init; }
    [JsonPropertyName("Accuracy")] public double accuracy { get; init; }
    [JsonPropertyName("ValLoss")] public double? val_loss { get; init; }
    [JsonPropertyName("ValAccuracy")] public double? val_accuracy { get; init; }
    [JsonPropertyName("LearningRate")] public double lr { get; init; }
    public double Seconds { get; init; }

    /// <summary>Whether this epoch's training images were augmented (see <see cref="Augmentation"/>).</summary>
    [JsonIgnore] public bool Augmented => Augmentation is not null;

    /// <summary>The number format of this epoch's products when it was not float32 (-Precision BFloat16), else null.</summary>
    public TrainingPrecision? Precision { get; init; }

    public int Samples { get; init; }

    /// <summary>The random changes the training images of this epoch had (-Augment), or null when they had none.</summary>
    public AugmentationOptions? Augmentation { get; init; }

    internal double Loss { get => loss; init => loss = value; }
    internal double Accuracy { get => accuracy; init => accuracy = value; }
    internal double? ValLoss { get => val_loss; init => val_loss = value; }
    internal double? ValAccuracy { get => val_accuracy; init => val_accuracy = value; }
    internal double LearningRate { get => lr; init => lr = value; }

    /// <summary>
    /// False for an epoch trained after the one whose weights early stopping restored: it happened, but the model's
    /// weights are not its.
    /// </summary>
    public bool InWeights { get; init; } = true;

    public override string ToString()
    {
        var line = $"Epoch {Epoch}: loss: {Loss:F4} - accuracy: {Accuracy:F4}";
        if (ValLoss is not null) line += $" - val_loss: {ValLoss:F4} - val_accuracy: {ValAccuracy:F4}";
        return line + $" - {Seconds:F1}s" + (InWeights ? "" : " (not in the weights)");
    }
}
