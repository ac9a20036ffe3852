namespace Mnist.Core.Modeling.Layers;

/// <summary>One layer of a described network with what follows from its place in it: name, shapes, parameters.</summary>
public sealed record ResolvedLayer(int Position, LayerDefinition Definition, string Name, LayerShape Input, LayerShape Output,
    long TrainableParameters, long NonTrainableParameters)
{
    public LayerKind Kind => Definition.Kind;
    public long Parameters => TrainableParameters + NonTrainableParameters;

    /// <summary>Whether a module of its own applies the layer's activation after its main module (softmax goes with the loss).</summary>
    public bool HasActivationModule => Kind is LayerKind.Dense or LayerKind.Conv2D
        && Definition.Activation is not (LayerActivation.Linear or LayerActivation.Softmax);

    /// <summary>Where the layer's own weights sit in the network's state (dense.0 when an activation follows in one Sequential).</summary>
    public string WeightsName => HasActivationModule ? Name + ".0" : Name;

    /// <summary>A convolution's zero padding (rows above and below, columns left and right); Keras puts an odd extra after.</summary>
    public (int Top, int Bottom, int Left, int Right) Padding
    {
        get
        {
            if (Kind != LayerKind.Conv2D || Definition.Padding == LayerPadding.Valid) return (0, 0, 0, 0);
            int Total(int input, int output) => Math.Max((output - 1) * Definition.Strides + Definition.KernelSize - input, 0);
            int rows = Total(Input.Rows, Output.Rows), columns = Total(Input.Columns, Output.Columns);
            return (rows / 2, rows - rows / 2, columns / 2, columns - columns / 2);
        }
    }

    /// <summary>The (m, k, n) of each matrix product of this layer's forward pass over a batch (a convolution as im2col).</summary>
    public IEnumerable<(long M, long K, long N)> ForwardProducts(long batch) => Kind switch
    {
        LayerKind.Dense => new[] { (batch, Input.Size, (long)Definition.Units) },
        LayerKind.Conv2D => new[] { (batch * Output.Rows * Output.Columns, (long)Definition.KernelSize * Definition.KernelSize * Input.Channels, (long)Definition.Filters) },
        _ => Array.Empty<(long, long, long)>(),
    };
}

/// <summary>
/// A network described layer by layer, as Keras' Sequential describes it, resolved against the input image and the
/// number of classes: every layer's output shape and parameters, checked to fit before anything is allocated. The
/// model's summary, its parameter counts, the size limits, the arithmetic count, its exports and the network that
/// runs are all derived from this.
/// </summary>
public sealed class NetworkDescription
{
    public const string ShapeMismatch = "LayerShapeMismatch";
    public const string TooLarge = "NetworkTooLarge";

    private NetworkDescription(int rows, int columns, int classes, IReadOnlyList<ResolvedLayer> layers)
    {
        (InputRows, InputColumns, Classes, Layers) = (rows, columns, classes, layers);
        TrainableParameters = layers.Sum(l => l.TrainableParameters);
        NonTrainableParameters = layers.Sum(l => l.NonTrainableParameters);
    }

    public int InputRows { get; }
    public int InputColumns { get; }
    public int Classes { get; }
    public IReadOnlyList<ResolvedLayer> Layers { get; }
    public long TrainableParameters { get; }
    public long NonTrainableParameters { get; }
    public long Parameters => TrainableParameters + NonTrainableParameters;

    /// <summary>The layers in Keras' words, one string each: what the network can be built from again.</summary>
    public IReadOnlyList<string> Texts => Layers.Select(l => l.Definition.ToString()).ToArray();

    public static NetworkDescription Parse(int rows, int columns, int classes, IEnumerable<string> texts) =>
        Resolve(rows, columns, classes, texts.Select((text, i) => LayerParser.Parse(text, i + 1)).ToList());

    /// <summary>Follows the image through the layers; refuses the first layer that does not fit, naming it and its position.</summary>
    public static NetworkDescription Resolve(int rows, int columns, int classes, IReadOnlyList<LayerDefinition> definitions)
    {
        if (definitions.Count == 0)
            throw new MnistException(LayerParser.InvalidLayer, MnistErrorKind.InvalidArgument, "A network needs at least one layer.", definitions);
        if (definitions.Count > InputLimits.MaxLayers)
            throw new MnistException(TooLarge, MnistErrorKind.LimitsExceeded,
                $"A network of {definitions.Count} layers; at most {InputLimits.MaxLayers} are built.", definitions.Count);
        var names = new Dictionary<string, int>();
        var layers = new List<ResolvedLayer>();
        var shape = LayerShape.Image(rows, columns, 1, isInput: true);
        long total = 0;
        for (int i = 0; i < definitions.Count; i++)
        {
            var definition = definitions[i];
            string where = $"Layer {i + 1} '{definition}'";
            var (output, trainable, nonTrainable) = Follow(definition, shape, where, isLast: i == definitions.Count - 1);
            if (output.Size > InputLimits.MaxLayerOutputs)
                throw new MnistException(TooLarge, MnistErrorKind.LimitsExceeded,
                    $"{where} outputs {output.KerasText}, {output.Size:N0} values per image; the limit is {InputLimits.MaxLayerOutputs:N0}.", definition.ToString());
            total += trainable + nonTrainable;
            if (total > InputLimits.MaxModelParameters)
                throw new MnistException(TooLarge, MnistErrorKind.LimitsExceeded,
                    $"{where} takes the network to {total:N0} parameters; the limit is {InputLimits.MaxModelParameters:N0}.", definition.ToString());
            layers.Add(new ResolvedLayer(i + 1, definition, NextName(names, definition.Kind), shape, output, trainable, nonTrainable));
            shape = output;
        }
        var last = layers[^1];
        if (shape.IsImage || shape.Features != classes)
            throw new MnistException(ShapeMismatch, MnistErrorKind.InvalidArgument,
                $"Layer {last.Position} '{last.Definition}' gives {shape.KerasText}; the last layer must give one output per class, (None, {classes}).", last.Definition.ToString());
        return new NetworkDescription(rows, columns, classes, layers);
    }

    private static (LayerShape Output, long Trainable, long NonTrainable) Follow(LayerDefinition layer, LayerShape input, string where, bool isLast)
    {
        if (layer.Activation == LayerActivation.Softmax && !isLast)
            throw new MnistException(LayerParser.InvalidLayer, MnistErrorKind.InvalidArgument,
                $"{where}: softmax ends a network here (it is applied with the loss); use it on the last layer only.", layer.ToString());
        if (isLast && layer.Kind is LayerKind.Dense or LayerKind.Conv2D && layer.Activation is not (LayerActivation.Linear or LayerActivation.Softmax))
            throw new MnistException(LayerParser.InvalidLayer, MnistErrorKind.InvalidArgument,
                $"{where}: the last layer's activation must be softmax (or none): the loss applies softmax to its outputs.", layer.ToString());
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                if (input.IsImage && !input.IsInput) throw Mismatch(where, $"Dense takes a flat input, not the image {input.KerasText}: put Flatten before it");
                return (LayerShape.Flat(layer.Units), input.Size * layer.Units + layer.Units, 0);
            case LayerKind.Conv2D:
            {
                var image = ImageOf(input, where, "Conv2D");
                int rows = Convolved(image.Rows, layer, where, image), columns = Convolved(image.Columns, layer, where, image);
                long parameters = (long)layer.KernelSize * layer.KernelSize * image.Channels * layer.Filters + layer.Filters;
                return (LayerShape.Image(rows, columns, layer.Filters), parameters, 0);
            }
            case LayerKind.MaxPooling2D or LayerKind.AveragePooling2D:
            {
                var image = ImageOf(input, where, layer.Kind.ToString());
                if (layer.PoolSize > image.Rows || layer.PoolSize > image.Columns)
                    throw Mismatch(where, $"a {layer.PoolSize}x{layer.PoolSize} pool is larger than its input {image.KerasText}");
                int rows = (image.Rows - layer.PoolSize) / layer.Strides + 1, columns = (image.Columns - layer.PoolSize) / layer.Strides + 1;
                return (LayerShape.Image(rows, columns, image.Channels), 0, 0);
            }
            case LayerKind.Flatten:
                return (LayerShape.Flat(input.Size), 0, 0);
            case LayerKind.BatchNormalization:
            {
                long features = input.IsImage ? input.Channels : input.Features;
                return (input with { IsInput = false }, 2 * features, 2 * features);
            }
            default:
                return (input, 0, 0);
        }
    }

    private static LayerShape ImageOf(LayerShape input, string where, string kind) =>
        input.IsImage ? input : throw Mismatch(where, $"{kind} takes an image (rows, columns, channels), not the flat {input.KerasText} a Flatten or Dense gives");

    private static int Convolved(int side, LayerDefinition layer, string where, LayerShape image)
    {
        if (layer.Padding == LayerPadding.Same) return (side + layer.Strides - 1) / layer.Strides;
        if (layer.KernelSize > side) throw Mismatch(where, $"a {layer.KernelSize}x{layer.KernelSize} kernel is larger than its input {image.KerasText} (padding=same keeps the size)");
        return (side - layer.KernelSize) / layer.Strides + 1;
    }

    private static MnistException Mismatch(string where, string why) =>
        new(ShapeMismatch, MnistErrorKind.InvalidArgument, $"{where}: {why}.", where);

    /// <summary>Keras' automatic names: dense, dense_1, ... per kind.</summary>
    private static string NextName(Dictionary<string, int> names, LayerKind kind)
    {
        var stem = kind switch
        {
            LayerKind.Conv2D => "conv2d",
            LayerKind.MaxPooling2D => "max_pooling2d",
            LayerKind.AveragePooling2D => "average_pooling2d",
            LayerKind.BatchNormalization => "batch_normalization",
            _ => kind.ToString().ToLowerInvariant(),
        };
        names.TryGetValue(stem, out var n);
        names[stem] = n + 1;
        return n == 0 ? stem : $"{stem}_{n}";
    }
}
