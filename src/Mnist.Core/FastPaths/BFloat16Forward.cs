using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// The network's training forward with its matrix products and convolutions in bfloat16 (libtorch accumulates in
/// float32) and everything else in float32, as PyTorch's CPU autocast does (TorchSharp has no autocast). The weights
/// stay float32 and are what the optimizer updates: each product casts its operands down and its result back up, and
/// autograd carries the gradients through the casts. The modules are only read, so files and exports are unchanged.
/// A convolution over a single input channel stays float32: measured slower in bfloat16 (too little work per pixel).
/// </summary>
internal static class BFloat16Forward
{
    public static Tensor Forward(nn.Module<Tensor, Tensor> module, Tensor input) => module switch
    {
        Sequential sequential => sequential.children().Cast<nn.Module<Tensor, Tensor>>().Aggregate(input, (x, child) => Forward(child, x)),
        Linear linear => Dense(input, linear),
        Conv2d conv when conv.in_channels > 1 => nn.functional.conv2d(Down(input), Down(conv.weight!), DownOptional(conv.bias),
            conv.stride, conv.padding, conv.dilation, conv.groups).to_type(ScalarType.Float32),
        _ => module.forward(input),
    };

    /// <summary>A dense layer's product with its bias on bfloat16 operands, returned in float32.</summary>
    public static Tensor Dense(Tensor input, Linear linear) =>
        nn.functional.linear(Down(input), Down(linear.weight!), DownOptional(linear.bias)).to_type(ScalarType.Float32);

    /// <summary>A matrix product on bfloat16 operands, returned in float32.</summary>
    public static Tensor Product(Tensor left, Tensor right) => Down(left).mm(Down(right)).to_type(ScalarType.Float32);

    private static Tensor Down(Tensor tensor) => tensor.to_type(ScalarType.BFloat16);

    /// <summary>A bias, which a layer may not have.</summary>
    private static Tensor? DownOptional(Parameter? parameter) => parameter?.to_type(ScalarType.BFloat16);
}
