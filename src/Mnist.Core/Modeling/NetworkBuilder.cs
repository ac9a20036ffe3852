using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mnist.Core.Modeling;

/// <summary>Turns a <see cref="ModelSpec"/> into a torch network (logits out) and its Keras-style summary rows.</summary>
internal static class NetworkBuilder
{
    public static (nn.Module<Tensor, Tensor> Network, List<LayerInfo> Layers) Build(ModelSpec spec, Generator generator)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        var layers = new List<LayerInfo>();
        var names = new Dictionary<string, int>();
        string NextName(string kind)
        {
            names.TryGetValue(kind, out var n);
            names[kind] = n + 1;
            return n == 0 ? kind : $"{kind}_{n}";
        }

        void Add(string kind, string type, string shape, nn.Module<Tensor, Tensor> module, long parameters)
        {
            var name = NextName(kind);
            modules.Add((name, module));
            layers.Add(new LayerInfo(name, type, shape, parameters));
        }

        void AddDense(int inputs, int units, bool withActivation, bool deferRelu = false)
        {
            var linear = nn.Linear(inputs, units);
            GlorotUniform(linear.weight!, inputs, units, generator);
            using (no_grad()) linear.bias!.zero_();
            nn.Module<Tensor, Tensor> module = withActivation
                ? nn.Sequential(linear, deferRelu ? new DeferredRelu() : ActivationModule(spec.Activation))
                : linear;
            Add("dense", "Dense", $"(None, {units})", module, (long)inputs * units + units);
        }

        void AddDropout(double rate, string shape, bool afterDeferredRelu = false)
        {
            if (rate > 0) Add("dropout", "Dropout", shape, new SeededDropout("dropout", rate, generator, afterDeferredRelu), 0);
        }

        // ReLU then dropout: the dropout's mask applies both (one pass and one multiply instead of three passes).
        bool FusesRelu(double rate) => spec.Activation == Activation.Relu && rate > 0;

        int inputs = spec.InputRows * spec.InputColumns;
        if (spec.Architecture == Architecture.Mlp)
        {
            for (int i = 0; i < spec.HiddenUnits.Length; i++)
            {
                bool fuse = FusesRelu(spec.DropoutFor(i));
                AddDense(inputs, spec.HiddenUnits[i], withActivation: true, deferRelu: fuse);
                inputs = spec.HiddenUnits[i];
                AddDropout(spec.DropoutFor(i), $"(None, {inputs})", afterDeferredRelu: fuse);
            }
        }
        else if (spec.Architecture == Architecture.FastCnn)
        {
            inputs = AddFastCnnFeatures();
            AddDense(inputs, spec.HiddenUnits[0], withActivation: true);
            inputs = spec.HiddenUnits[0];
            AddDropout(spec.DropoutFor(0), $"(None, {inputs})");
        }
        else
        {
            int rows = spec.InputRows, cols = spec.InputColumns;
            Add("reshape", "Reshape", $"(None, {rows}, {cols}, 1)", new Reshape("reshape", 1, rows, cols), 0);
            int channels = 1;
            // The second convolution's ReLU is applied by the pooling right after it, in the same pass.
            bool poolAppliesRelu = spec.Activation == Activation.Relu;
            foreach (var filters in new[] { 32, 64 })
            {
                var conv = nn.Conv2d(channels, filters, 3);
                GlorotUniform(conv.weight!, channels * 9, filters * 9, generator);
                using (no_grad()) conv.bias!.zero_();
                rows -= 2; cols -= 2;
                var activation = filters == 64 && poolAppliesRelu ? new DeferredRelu(alsoInEvaluation: true) : ActivationModule(spec.Activation);
                Add("conv2d", "Conv2D", $"(None, {rows}, {cols}, {filters})", nn.Sequential(conv, activation),
                    (long)channels * 9 * filters + filters);
                channels = filters;
            }
            rows /= 2; cols /= 2;
            Add("max_pooling2d", "MaxPooling2D", $"(None, {rows}, {cols}, {channels})", new MaxPool2x2(withRelu: poolAppliesRelu), 0);
            AddDropout(spec.DropoutFor(0), $"(None, {rows}, {cols}, {channels})");
            inputs = rows * cols * channels;
            Add("flatten", "Flatten", $"(None, {inputs})", nn.Flatten(), 0);
            bool fuse = FusesRelu(spec.DropoutFor(1));
            AddDense(inputs, 128, withActivation: true, deferRelu: fuse);
            inputs = 128;
            AddDropout(spec.DropoutFor(1), "(None, 128)", afterDeferredRelu: fuse);
        }
        AddDense(inputs, spec.Classes, withActivation: false);
        return (nn.Sequential(modules), layers);

        // conv 24 5x5, max-pool 2, ReLU, conv 32 3x3, max-pool 2, ReLU, flatten; pooling before the activation
        // gives the same result as after it (both are monotonic) on a quarter of the elements.
        int AddFastCnnFeatures()
        {
            int rows = spec.InputRows, cols = spec.InputColumns, channels = 1;
            Add("normalization", "Normalization", $"(None, {rows * cols})", new Normalization("normalization", ModelSpec.InputMean, ModelSpec.InputStd), 0);
            Add("reshape", "Reshape", $"(None, {rows}, {cols}, 1)", new Reshape("reshape", 1, rows, cols), 0);
            bool relu = spec.Activation == Activation.Relu;
            foreach (var (filters, kernel) in new[] { (24, 5), (32, 3) })
            {
                // Over the image with ReLU: the convolution, its pooling and ReLU as one node (the layers after show them).
                bool pooledHere = relu && channels == 1;
                nn.Module<Tensor, Tensor> conv;
                if (pooledHere)
                {
                    var pooled = new PooledConv2d(channels, filters, kernel);
                    TorchDefaultUniform(pooled.Weight, pooled.Bias, channels * kernel * kernel, generator);
                    conv = pooled;
                }
                else
                {
                    var plain = nn.Conv2d(channels, filters, kernel);
                    TorchDefaultUniform(plain.weight!, plain.bias!, channels * kernel * kernel, generator);
                    conv = plain;
                }
                rows -= kernel - 1; cols -= kernel - 1;
                Add("conv2d", "Conv2D", $"(None, {rows}, {cols}, {filters})", conv, (long)channels * kernel * kernel * filters + filters);
                rows /= 2; cols /= 2;
                Add("max_pooling2d", "MaxPooling2D", $"(None, {rows}, {cols}, {filters})",
                    pooledHere ? nn.Sequential(new AppliedMaxPool2x2(), new AppliedRelu())
                    : relu ? nn.Sequential(new MaxPool2x2(withRelu: true), new AppliedRelu())
                    : nn.Sequential(new MaxPool2x2(), ActivationModule(spec.Activation)), 0);
                channels = filters;
            }
            Add("flatten", "Flatten", $"(None, {rows * cols * channels})", nn.Flatten(), 0);
            return rows * cols * channels;
        }
    }

    /// <summary>PyTorch's default initialisation of a layer (uniform in ±1/sqrt(fan-in)), drawn from the model's generator.</summary>
    private static void TorchDefaultUniform(Tensor weight, Tensor bias, long fanIn, Generator generator)
    {
        var limit = 1 / Math.Sqrt(fanIn);
        using var _ = no_grad();
        using (var values = torch.rand(weight.shape, generator: generator).mul_(2 * limit).sub_(limit)) weight.copy_(values);
        using (var values = torch.rand(bias.shape, generator: generator).mul_(2 * limit).sub_(limit)) bias.copy_(values);
    }

    /// <summary>(x - mean) / std, as one fused multiply-add.</summary>
    internal sealed class Normalization : nn.Module<Tensor, Tensor>
    {
        public Normalization(string name, double mean, double std) : base(name) => (Scale, Shift) = (1 / std, -mean / std);

        public double Scale { get; }
        public double Shift { get; }

        public override Tensor forward(Tensor input) => input.mul(Scale).add_(Shift);
    }

    private static nn.Module<Tensor, Tensor> ActivationModule(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Gelu => nn.GELU(),
        Activation.Elu => nn.ELU(),
        Activation.LeakyRelu => nn.LeakyReLU(0.01),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>Keras' default initialiser, drawn from the model's generator so a seed fixes the weights.</summary>
    private static void GlorotUniform(Tensor weight, long fanIn, long fanOut, Generator generator)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var _ = no_grad();
        using var values = torch.rand(weight.shape, generator: generator).mul_(2 * limit).sub_(limit);
        weight.copy_(values);
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
