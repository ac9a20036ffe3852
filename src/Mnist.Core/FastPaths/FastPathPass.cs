using Mnist.Core.Modeling.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Recognises patterns in a built network's logical layers and swaps in modules that compute the same faster. The
/// layers, their names and their weights stay as the description made them (summaries and exports see those);
/// only the modules that run change, and every one of them keeps its tests against the plain modules. Patterns:
/// <list type="bullet">
/// <item>Dense with ReLU, then Dropout: the dropout's mask applies the ReLU too (<see cref="DeferredRelu"/>, one pass).</item>
/// <item>A convolution (no activation, stride 1, valid), a 2x2 pooling, then ReLU: one node that convolves, pools and
/// applies ReLU, with a hand-written gradient that visits only the pooling's winners (<see cref="PooledConv2d"/>).</item>
/// <item>A convolution with ReLU, then a 2x2 pooling: the pooling applies the ReLU in its pass.</item>
/// <item>A 2x2 pooling, then ReLU: one pass; any other 2x2 pooling: <see cref="MaxPool2x2"/>'s kernel.</item>
/// </list>
/// <see cref="DenseNetworkStep"/> recognises the dense form this leaves, and the fused Adam is the
/// model's optimizer for every network.
/// </summary>
internal static class FastPathPass
{
    public static void Apply(IReadOnlyList<BuiltLayer> layers, Generator generator)
    {
        var chosen = new HashSet<int>();
        BuiltLayer? At(int index) => index < layers.Count && !chosen.Contains(index) ? layers[index] : null;
        for (int i = 0; i < layers.Count; i++)
        {
            if (chosen.Contains(i)) continue;
            var (layer, next, after) = (layers[i], At(i + 1), At(i + 2));
            if (Is(layer, LayerKind.Dense, LayerActivation.Relu) && next is { Layer.Kind: LayerKind.Dropout } dropout && dropout.Layer.Definition.Rate > 0)
            {
                Swap(layer, activation: new DeferredRelu());
                Swap(dropout, main: new SeededDropout(dropout.Layer.Name, dropout.Layer.Definition.Rate, generator, afterDeferredRelu: true));
                chosen.Add(i + 1);
            }
            else if (IsPlainConvolution(layer) && IsPool2x2(next) && IsRelu(after))
            {
                var conv = (Conv2d)layer.Main;
                var pooled = new PooledConv2d(conv.in_channels, conv.out_channels, conv.kernel_size[0]);
                using (no_grad())
                {
                    pooled.Weight.copy_(conv.weight!);
                    pooled.Bias.copy_(conv.bias!);
                }
                Swap(layer, main: pooled);
                Swap(next!, main: new AppliedMaxPool2x2());
                Swap(after!, main: new AppliedRelu());
                chosen.Add(i + 1);
                chosen.Add(i + 2);
            }
            else if (Is(layer, LayerKind.Conv2D, LayerActivation.Relu) && IsPool2x2(next))
            {
                Swap(layer, activation: new DeferredRelu(alsoInEvaluation: true));
                Swap(next!, main: new MaxPool2x2(withRelu: true));
                chosen.Add(i + 1);
            }
            else if (IsPool2x2(layer) && IsRelu(next))
            {
                Swap(layer, main: new MaxPool2x2(withRelu: true));
                Swap(next!, main: new AppliedRelu());
                chosen.Add(i + 1);
            }
            else if (IsPool2x2(layer))
            {
                Swap(layer, main: new MaxPool2x2());
            }
        }
    }

    private static bool Is(BuiltLayer layer, LayerKind kind, LayerActivation activation) =>
        layer.Layer.Kind == kind && layer.Layer.Definition.Activation == activation;

    private static bool IsPool2x2(BuiltLayer? layer) =>
        layer is { Layer.Kind: LayerKind.MaxPooling2D } && layer.Layer.Definition is { PoolSize: 2, Strides: 2 };

    private static bool IsRelu(BuiltLayer? layer) => layer is not null && Is(layer, LayerKind.Activation, LayerActivation.Relu);

    /// <summary>A convolution that libtorch's Conv2d runs with stride 1, no padding and no activation of its own.</summary>
    private static bool IsPlainConvolution(BuiltLayer layer) =>
        Is(layer, LayerKind.Conv2D, LayerActivation.Linear) && layer.Main is Conv2d
        && layer.Layer.Definition is { Strides: 1, Padding: LayerPadding.Valid };

    private static void Swap(BuiltLayer layer, nn.Module<Tensor, Tensor>? main = null, nn.Module<Tensor, Tensor>? activation = null)
    {
        if (main is not null)
        {
            layer.Main.Dispose();
            layer.Main = main;
        }
        if (activation is not null)
        {
            layer.Activation?.Dispose();
            layer.Activation = activation;
        }
    }
}
