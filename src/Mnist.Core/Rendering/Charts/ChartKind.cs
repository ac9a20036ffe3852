namespace Mnist.Core.Rendering.Charts;

public enum ChartKind
{
    /// <summary>Samples or predictions, one picture per cell with its title.</summary>
    ImageGrid,

    /// <summary>A model's History: accuracy and loss per epoch, training and validation.</summary>
    History,

    /// <summary>An evaluation's confusion matrix (or a model's last evaluation) as a heatmap with counts.</summary>
    ConfusionMatrix,

    /// <summary>A sweep's rows: each trial's monitored figure at its best epoch, best first.</summary>
    Sweep,
}
