using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// A convolution (stride 1, no padding) together with the 2x2 max pooling and ReLU after it, as one autograd node:
/// a kernel of this folder convolves where it sums each output in libtorch's order, so gives its bits
/// (<see cref="SingleChannelConvolution"/> over the image, <see cref="ChannelBlockConvolution"/> over channels in
/// eights), libtorch's conv2d otherwise; <see cref="MaxPool2x2Kernel"/> pools; and the backward pass computes the gradients straight
/// from the pooled gradient and the winners instead of building the convolution's full-size output gradient and
/// handing it to libtorch's convolution backward: the weight and bias gradients only when the input needs none (the
/// first convolution over the image, <see cref="PooledConvolutionGradient"/>: ~2 ms of a FastCnn batch of 256 against
/// ~14 ms), the input's too otherwise (<see cref="PooledConvolutionBackward"/>: FastCnn's second convolution). The
/// full-size convolution output is not kept for the backward pass either. The pooling and ReLU layers after it stay
/// in the network as <see cref="AppliedMaxPool2x2"/> and <see cref="AppliedRelu"/>, so summaries and exports show the
/// same layers; the parameters are named as Conv2d's ("weight", "bias"), so files are unchanged. When the kernel does
/// not cover the input, it runs as libtorch's convolution, then pooling and ReLU.
/// </summary>
internal sealed class PooledConv2d : nn.Module<Tensor, Tensor>
{
    public PooledConv2d(long inChannels, long outChannels, long kernelSize) : base("conv2d")
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Weight = new Parameter(torch.empty(outChannels, inChannels, kernelSize, kernelSize));
        Bias = new Parameter(torch.empty(outChannels));
        register_parameter("weight", Weight);
        register_parameter("bias", Bias);
    }

    // Not registered as a child: the layers after this one show the pooling and ReLU.
    private readonly MaxPool2x2 _pool = new(withRelu: true);

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public override Tensor forward(Tensor input)
    {
        bool fits = MaxPool2x2Function.Fits(input) && input.shape[1] == InChannels
            && input.shape[2] - KernelSize + 1 >= 2 && input.shape[3] - KernelSize + 1 >= 2;
        if (!fits)
        {
            using var convolved = nn.functional.conv2d(input, Weight, Bias);
            return _pool.forward(convolved);
        }
        if (is_grad_enabled() && (input.requires_grad || Weight.requires_grad || Bias.requires_grad))
            return PooledConv2dFunction.apply(input, Weight, Bias, input.requires_grad);
        var (pooled, winners) = PooledConv2dFunction.ConvolveAndPool(input, Weight, Bias);
        winners.Dispose();
        return pooled;
    }
}

/// <summary>The 2x2 max pooling its <see cref="PooledConv2d"/> already applied: kept as a layer for summaries and exports.</summary>
internal sealed class AppliedMaxPool2x2 : nn.Module<Tensor, Tensor>
{
    public AppliedMaxPool2x2() : base("maxpool") { }

    public override Tensor forward(Tensor input) => input.alias();
}

internal sealed class PooledConv2dFunction : autograd.SingleTensorFunction<PooledConv2dFunction>
{
    public override string Name => "PooledConv2d";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, bias) = (((Tensor)vars[0]).contiguous(), (Tensor)vars[1], (Tensor)vars[2]);
        bool inputGradient = (bool)vars[3];
        var (pooled, winners) = ConvolveAndPool(input, weight, bias);
        // The weights are kept only when the input's gradient needs them (autograd checks they are not changed in between).
        ctx.save_for_backward(inputGradient ? new List<Tensor> { input, winners, weight } : new List<Tensor> { input, winners });
        ctx.save_data("weightShape", weight.shape);
        ctx.save_data("inputGradient", inputGradient);
        return pooled;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var saved = ctx.get_saved_variables();
        var (input, winners) = (saved[0], saved[1]);
        var weightShape = (long[])ctx.get_data("weightShape");
        using var pooledGradient = gradient.contiguous();
        var weightGradient = torch.empty(weightShape, ScalarType.Float32);
        var biasGradient = torch.empty(weightShape[0], ScalarType.Float32);
        var (images, channels, rows, columns) = ((int)input.shape[0], (int)input.shape[1], (int)input.shape[2], (int)input.shape[3]);
        if (!(bool)ctx.get_data("inputGradient"))
        {
            PooledConvolutionGradient.Compute(input.Floats(), pooledGradient.Floats(), winners.bytes, weightGradient.Floats(), biasGradient.Floats(),
                images, channels, rows, columns, (int)weightShape[0], (int)weightShape[2], torch.get_num_threads());
            return new List<Tensor> { null!, weightGradient, biasGradient, null! };
        }
        using var weight = saved[2].contiguous();
        var inputGradient = torch.empty(input.shape, ScalarType.Float32);
        PooledConvolutionBackward.Compute(input.Floats(), weight.Floats(), pooledGradient.Floats(), winners.bytes,
            inputGradient.Floats(), weightGradient.Floats(), biasGradient.Floats(),
            images, channels, rows, columns, (int)weightShape[0], (int)weightShape[2], torch.get_num_threads());
        return new List<Tensor> { inputGradient, weightGradient, biasGradient, null! };
    }

    /// <summary>ReLU(max pool(convolution)) and the pooling's winners; the full-size convolution is not kept.</summary>
    internal static (Tensor Pooled, Tensor Winners) ConvolveAndPool(Tensor input, Tensor weight, Tensor bias)
    {
        using var _ = no_grad();
        if (weight.dtype == ScalarType.Float32 && bias.dtype == ScalarType.Float32
            && (input.shape[1] == 1 ? SingleChannelConvolution.IsSupported : ChannelBlockConvolution.Covers(input.shape[1], weight.shape[0])))
            return ConvolveDirectly(input, weight, bias);
        using var convolved = nn.functional.conv2d(input, weight, bias);
        var winners = MaxPool2x2Function.WinnersFor(convolved);
        return (MaxPool2x2Function.Pool(convolved, winners, relu: true), winners);
    }

    // The kernels that sum as libtorch does for these shapes: the same bits as conv2d, then the pooling.
    private static (Tensor Pooled, Tensor Winners) ConvolveDirectly(Tensor input, Tensor weight, Tensor bias)
    {
        using var contiguousInput = input.contiguous();
        using var contiguousWeight = weight.contiguous();
        using var contiguousBias = bias.contiguous();
        var (images, channels, rows, columns) = ((int)input.shape[0], (int)input.shape[1], (int)input.shape[2], (int)input.shape[3]);
        var (filters, kernel) = ((int)weight.shape[0], (int)weight.shape[2]);
        long[] shape = { images, filters, (rows - kernel + 1) / 2, (columns - kernel + 1) / 2 };
        var pooled = torch.empty(shape, ScalarType.Float32);
        var winners = torch.empty(shape, ScalarType.Byte);
        if (channels == 1)
            SingleChannelConvolution.ConvolveAndPool(contiguousInput.Floats(), contiguousWeight.Floats(), contiguousBias.Floats(), pooled.Floats(), winners.bytes,
                images, rows, columns, filters, kernel, torch.get_num_threads());
        else
            ChannelBlockConvolution.ConvolveAndPool(contiguousInput.Floats(), contiguousWeight.Floats(), contiguousBias.Floats(), pooled.Floats(), winners.bytes,
                images, channels, rows, columns, filters, kernel, torch.get_num_threads());
        return (pooled, winners);
    }

}
