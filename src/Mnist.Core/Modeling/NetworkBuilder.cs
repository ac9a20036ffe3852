using Mnist.Core.FastPaths;
using Mnist.Core.Modeling.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>
/// One logical layer as modules: its main module (the weights, named as the layer) and the module applying its
/// activation, if any. The fast-path pass may swap either for a faster module that computes the same.
/// </summary>
internal sealed class BuiltLayer
{
    public BuiltLayer(ResolvedLayer layer, nn.Module<Tensor, Tensor> main, nn.Module<Tensor, Tensor>? activation) =>
        (Layer, Main, Activation) = (layer, main, activation);

    public ResolvedLayer Layer { get; }
    public nn.Module<Tensor, Tensor> Main { get; set; }
    public nn.Module<Tensor, Tensor>? Activation { get; set; }

    /// <summary>The module the network runs for this layer: the main one, in a Sequential with its activation if it has one.</summary>
    public nn.Module<Tensor, Tensor> Module => Activation is null ? Main : nn.Sequential(Main, Activation);
}

/// <summary>
/// Turns a <see cref="NetworkDescription"/> into the torch network that runs it (logits out): each layer as the
/// plain TorchSharp module that computes it, its weights drawn from the model's generator in layer order, then
/// <see cref="FastPathPass"/> picks faster modules where it recognises a pattern. The state's names follow the
/// layers' Keras names ("dense.0.weight" for a Dense with an activation), so files do not depend on the pass.
/// </summary>
internal static class NetworkBuilder
{
    public static (nn.Module<Tensor, Tensor> Network, List<LayerInfo> Layers) Build(NetworkDescription description, Generator generator,
        bool fastPaths = true)
    {
        var built = description.Layers.Select(layer => BuildLayer(layer, generator)).ToList();
        if (fastPaths) FastPathPass.Apply(built, generator);

        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        bool reshaped = false;
        foreach (var layer in built)
        {
            // The data is flat (N, rows*columns); the first layer that needs the image gets it as (N, 1, rows, columns).
            if (!reshaped && layer.Layer.Input.IsInput && NeedsImage(layer.Layer))
            {
                modules.Add(("reshape", new Reshape("reshape", 1, description.InputRows, description.InputColumns)));
                reshaped = true;
            }
            modules.Add((layer.Layer.Name, layer.Module));
        }
        var rows = description.Layers.Select(l => new LayerInfo(l.Name, l.Kind.ToString(), l.Output.KerasText, l.Parameters, l.Definition.ToString())).ToList();
        return (nn.Sequential(modules), rows);
    }

    private static bool NeedsImage(ResolvedLayer layer) =>
        layer.Kind is LayerKind.Conv2D or LayerKind.MaxPooling2D or LayerKind.AveragePooling2D or LayerKind.BatchNormalization;

    private static BuiltLayer BuildLayer(ResolvedLayer layer, Generator generator)
    {
        var definition = layer.Definition;
        var activation = layer.HasActivationModule ? ActivationModule(definition.Activation) : null;
        switch (layer.Kind)
        {
            case LayerKind.Dense:
            {
                var linear = nn.Linear(layer.Input.Size, definition.Units);
                Initialise(linear.weight!, linear.bias!, layer.Input.Size, definition.Units, definition.Initializer, generator);
                return new BuiltLayer(layer, linear, activation);
            }
            case LayerKind.Conv2D:
            {
                int channels = layer.Input.Channels, kernel = definition.KernelSize;
                var (top, bottom, left, right) = layer.Padding;
                nn.Module<Tensor, Tensor> conv;
                Tensor weight, bias;
                if (top == bottom && left == right)
                {
                    var plain = nn.Conv2d(channels, definition.Filters, (kernel, kernel), stride: (definition.Strides, definition.Strides),
                        padding: (top, left));
                    (conv, weight, bias) = (plain, plain.weight!, plain.bias!);
                }
                else
                {
                    var padded = new PaddedConv2d(channels, definition.Filters, kernel, definition.Strides, (top, bottom, left, right));
                    (conv, weight, bias) = (padded, padded.Weight, padded.Bias);
                }
                Initialise(weight, bias, (long)channels * kernel * kernel, (long)definition.Filters * kernel * kernel, definition.Initializer, generator);
                return new BuiltLayer(layer, conv, activation);
            }
            case LayerKind.MaxPooling2D:
                return new BuiltLayer(layer, nn.MaxPool2d(definition.PoolSize, definition.Strides), null);
            case LayerKind.AveragePooling2D:
                return new BuiltLayer(layer, nn.AvgPool2d(definition.PoolSize, definition.Strides), null);
            case LayerKind.Flatten:
                return new BuiltLayer(layer, nn.Flatten(), null);
            case LayerKind.Dropout:
                return new BuiltLayer(layer, new SeededDropout(layer.Name, definition.Rate, generator), null);
            case LayerKind.BatchNormalization:
            {
                // Keras' momentum is how much of the moving statistic stays; PyTorch's how much of the batch's comes in.
                double momentum = 1 - definition.Momentum;
                nn.Module<Tensor, Tensor> norm = layer.Input.IsImage
                    ? nn.BatchNorm2d(layer.Input.Channels, definition.Epsilon, momentum)
                    : nn.BatchNorm1d(layer.Input.Features, definition.Epsilon, momentum);
                return new BuiltLayer(layer, norm, null);
            }
            case LayerKind.Activation:
                return new BuiltLayer(layer, definition.Activation is LayerActivation.Linear or LayerActivation.Softmax
                    ? nn.Identity() : ActivationModule(definition.Activation), null);
            case LayerKind.Normalization:
                return new BuiltLayer(layer, new Normalization(layer.Name, definition.Mean, definition.Std), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "no module for this kind of layer");
        }
    }

    private static void Initialise(Tensor weight, Tensor bias, long fanIn, long fanOut, WeightInitializer initializer, Generator generator)
    {
        if (initializer == WeightInitializer.TorchDefault)
        {
            TorchDefaultUniform(weight, bias, fanIn, generator);
            return;
        }
        GlorotUniform(weight, fanIn, fanOut, generator);
        using (no_grad()) bias.zero_();
    }

    /// <summary>PyTorch's default initialisation of a layer (uniform in ±1/sqrt(fan-in)), drawn from the model's generator.</summary>
    private static void TorchDefaultUniform(Tensor weight, Tensor bias, long fanIn, Generator generator)
    {
        var limit = 1 / Math.Sqrt(fanIn);
        using var _ = no_grad();
        using (var values = torch.rand(weight.shape, generator: generator).mul_(2 * limit).sub_(limit)) weight.copy_(values);
        using (var values = torch.rand(bias.shape, generator: generator).mul_(2 * limit).sub_(limit)) bias.copy_(values);
    }

    /// <summary>Keras' default initialiser, drawn from the model's generator so a seed fixes the weights.</summary>
    private static void GlorotUniform(Tensor weight, long fanIn, long fanOut, Generator generator)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var _ = no_grad();
        using var values = torch.rand(weight.shape, generator: generator).mul_(2 * limit).sub_(limit);
        weight.copy_(values);
    }

    internal static nn.Module<Tensor, Tensor> ActivationModule(LayerActivation activation) => activation switch
    {
        LayerActivation.Relu => nn.ReLU(),
        LayerActivation.Tanh => nn.Tanh(),
        LayerActivation.Sigmoid => nn.Sigmoid(),
        LayerActivation.Gelu => nn.GELU(),
        LayerActivation.Elu => nn.ELU(),
        LayerActivation.LeakyRelu => nn.LeakyReLU(0.01),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>(x - mean) / std, as one fused multiply-add.</summary>
    internal sealed class Normalization : nn.Module<Tensor, Tensor>
    {
        public Normalization(string name, double mean, double std) : base(name)
        {
            (Scale, Shift) = (1 / std, -mean / std);
            (_scale, _shift) = (Scale.ToScalar(), Shift.ToScalar());
        }

        public double Scale { get; }
        public double Shift { get; }

        // Held by the module: a temporary Scalar can be freed while libtorch still reads it (see HeldScalars).
        private readonly Scalar _scale, _shift;

        public override Tensor forward(Tensor input) => input.mul(_scale).add_(_shift, HeldScalars.One);
    }

    internal sealed class Reshape : nn.Module<Tensor, Tensor>
    {
        private readonly long[] _shape;

        public Reshape(string name, params long[] shape) : base(name) => _shape = shape;

        /// <summary>The shape of one sample after the reshape (the batch dimension is kept).</summary>
        public IReadOnlyList<long> Shape => _shape;

        public override Tensor forward(Tensor input) => input.view(new long[] { input.shape[0] }.Concat(_shape).ToArray());
    }
}

/// <summary>
/// A convolution with Keras' "same" padding where it is uneven (the odd row and column go after, as TensorFlow pads):
/// zero padding, then the convolution. Its parameters are named as Conv2d's.
/// </summary>
internal sealed class PaddedConv2d : nn.Module<Tensor, Tensor>
{
    public PaddedConv2d(long inChannels, long outChannels, long kernelSize, long stride, (int Top, int Bottom, int Left, int Right) padding)
        : base("conv2d")
    {
        (InChannels, OutChannels, KernelSize, Stride, Pads) = (inChannels, outChannels, kernelSize, stride, padding);
        Weight = new Parameter(torch.empty(outChannels, inChannels, kernelSize, kernelSize));
        Bias = new Parameter(torch.empty(outChannels));
        register_parameter("weight", Weight);
        register_parameter("bias", Bias);
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Stride { get; }
    public (int Top, int Bottom, int Left, int Right) Pads { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public override Tensor forward(Tensor input)
    {
        using var padded = nn.functional.pad(input, new long[] { Pads.Left, Pads.Right, Pads.Top, Pads.Bottom });
        return nn.functional.conv2d(padded, Weight, Bias, strides: new[] { Stride, Stride });
    }
}
