namespace Mnist.Core.Modeling;

/// <summary>
/// One row of the model summary, as Keras prints it, and the layer in Keras' words (<see cref="Definition"/>): a
/// model's rows given back to New-MnistModel's layer list build the same network again.
/// </summary>
public sealed record LayerInfo(string Name, string Type, string OutputShape, long Parameters, string? Definition = null)
{
    public override string ToString() => Definition ?? $"{Name} ({Type})";
}
