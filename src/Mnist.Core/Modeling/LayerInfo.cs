namespace Mnist.Core.Modeling;

/// <summary>One row of the model summary, as Keras prints it.</summary>
public sealed record LayerInfo(string Name, string Type, string OutputShape, long Parameters);
