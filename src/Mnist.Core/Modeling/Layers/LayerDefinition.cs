using System.Globalization;
using System.Text;

namespace Mnist.Core.Modeling.Layers;

/// <summary>The kinds of layer a network is described with, named as Keras names them.</summary>
public enum LayerKind { Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, BatchNormalization, Activation, Normalization }

/// <summary>An activation as Keras names it (linear: none). Softmax only ends a network: it is applied with the loss.</summary>
public enum LayerActivation { Linear, Relu, Tanh, Sigmoid, Gelu, Elu, LeakyRelu, Softmax }

public enum LayerPadding { Valid, Same }

/// <summary>How a layer's weights start: Keras' default (Glorot uniform, zero bias) or PyTorch's (uniform in ±1/sqrt(fan-in), bias too).</summary>
public enum WeightInitializer { GlorotUniform, TorchDefault }

/// <summary>
/// One layer of a network as Keras writes it: its kind and arguments, nothing derived. <see cref="ToString"/> gives
/// the Keras text that <see cref="LayerParser"/> reads back to an equal definition.
/// </summary>
public sealed record LayerDefinition
{
    public LayerKind Kind { get; init; }
    /// <summary>Dense: outputs.</summary>
    public int Units { get; init; }
    /// <summary>Conv2D: output channels.</summary>
    public int Filters { get; init; }
    /// <summary>Conv2D: the square kernel's side.</summary>
    public int KernelSize { get; init; }
    /// <summary>Pooling: the square window's side.</summary>
    public int PoolSize { get; init; }
    /// <summary>Conv2D (1 unless given) and pooling (the pool size unless given).</summary>
    public int Strides { get; init; } = 1;
    public LayerPadding Padding { get; init; }
    /// <summary>Dropout: the fraction of inputs dropped in training.</summary>
    public double Rate { get; init; }
    public LayerActivation Activation { get; init; }
    public WeightInitializer Initializer { get; init; }
    /// <summary>Normalization: (x - Mean) / Std.</summary>
    public double Mean { get; init; }
    public double Std { get; init; } = 1;
    /// <summary>BatchNormalization, as Keras counts them: the moving statistics keep Momentum of themselves per step.</summary>
    public double Momentum { get; init; } = 0.99;
    public double Epsilon { get; init; } = 0.001;

    public bool HasWeights => Kind is LayerKind.Dense or LayerKind.Conv2D or LayerKind.BatchNormalization;

    /// <summary>The Keras text: positional arguments where Keras has them, name=value for the rest, defaults left out.</summary>
    public override string ToString()
    {
        var arguments = new List<string>();
        void Named(string name, string value) => arguments.Add($"{name}={value}");
        switch (Kind)
        {
            case LayerKind.Dense:
                arguments.Add(Number(Units));
                break;
            case LayerKind.Conv2D:
                arguments.Add(Number(Filters));
                arguments.Add(Number(KernelSize));
                if (Strides != 1) Named("strides", Number(Strides));
                if (Padding != LayerPadding.Valid) Named("padding", "same");
                break;
            case LayerKind.MaxPooling2D or LayerKind.AveragePooling2D:
                arguments.Add(Number(PoolSize));
                if (Strides != PoolSize) Named("strides", Number(Strides));
                break;
            case LayerKind.Dropout:
                arguments.Add(Number(Rate));
                break;
            case LayerKind.BatchNormalization:
                if (Momentum != 0.99) Named("momentum", Number(Momentum));
                if (Epsilon != 0.001) Named("epsilon", Number(Epsilon));
                break;
            case LayerKind.Activation:
                arguments.Add(ActivationName(Activation));
                break;
            case LayerKind.Normalization:
                Named("mean", Number(Mean));
                Named("std", Number(Std));
                break;
        }
        if (Kind is LayerKind.Dense or LayerKind.Conv2D)
        {
            if (Activation != LayerActivation.Linear) Named("activation", ActivationName(Activation));
            if (Initializer != WeightInitializer.GlorotUniform) Named("kernel_initializer", InitializerName(Initializer));
        }
        var text = new StringBuilder(Kind.ToString());
        if (arguments.Count > 0) text.Append('(').AppendJoin(", ", arguments).Append(')');
        return text.ToString();
    }

    public static string ActivationName(LayerActivation activation) => activation switch
    {
        LayerActivation.LeakyRelu => "leaky_relu",
        _ => activation.ToString().ToLowerInvariant(),
    };

    public static string InitializerName(WeightInitializer initializer) =>
        initializer == WeightInitializer.TorchDefault ? "torch_default" : "glorot_uniform";

    /// <summary>Shortest round-trip text, so a definition read back from its text is bitwise the same.</summary>
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
