using TorchSharp;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// MaxPool2d(2) as <see cref="MaxPool2x2Kernel"/> computes it (same outputs and gradients as libtorch's, several
/// times faster on CPU), optionally with the ReLU after it done in the same pass. Anything the kernel does not
/// cover (other types or devices, a grad-mode input under a different layout) goes through libtorch's operators.
/// </summary>
internal sealed class MaxPool2x2 : nn.Module<Tensor, Tensor>
{
    public MaxPool2x2(bool withRelu = false) : base("maxpool") => WithRelu = withRelu;

    /// <summary>Whether ReLU is applied to the pooled values here (the module after is then an <see cref="AppliedRelu"/>).</summary>
    public bool WithRelu { get; }

    public override Tensor forward(Tensor input)
    {
        if (!MaxPool2x2Function.Fits(input))
        {
            var pooled = nn.functional.max_pool2d(input, new long[] { 2, 2 });
            return WithRelu ? pooled.relu_() : pooled;
        }
        if (is_grad_enabled() && input.requires_grad) return MaxPool2x2Function.apply(input, WithRelu);
        using var contiguous = input.contiguous();
        using var winners = MaxPool2x2Function.WinnersFor(contiguous);
        return MaxPool2x2Function.Pool(contiguous, winners, WithRelu);
    }
}

/// <summary>The ReLU after a <see cref="MaxPool2x2"/> that applied it already: kept as a layer so exports and summaries show it.</summary>
internal sealed class AppliedRelu : nn.Module<Tensor, Tensor>
{
    public AppliedRelu() : base("relu") { }

    public override Tensor forward(Tensor input) => input.alias();
}

internal sealed class MaxPool2x2Function : autograd.SingleTensorFunction<MaxPool2x2Function>
{
    public override string Name => "MaxPool2x2";

    public static bool Fits(Tensor input) =>
        input.dtype == ScalarType.Float32 && input.device_type == DeviceType.CPU && input.dim() == 4
        && input.shape[2] >= 2 && input.shape[3] >= 2 && input.numel() <= int.MaxValue;

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = ((Tensor)vars[0]).contiguous();
        bool relu = (bool)vars[1];
        var winners = WinnersFor(input);
        ctx.save_for_backward(new List<Tensor> { winners });
        ctx.save_data("shape", input.shape);
        return Pool(input, winners, relu);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var winners = ctx.get_saved_variables()[0];
        var shape = (long[])ctx.get_data("shape");
        using var outputGradient = gradient.contiguous();
        var inputGradient = torch.empty(shape, ScalarType.Float32);
        var (planes, height, width) = Planes(shape);
        unsafe
        {
            fixed (float* gradientAt = outputGradient.Floats(), inputGradientAt = inputGradient.Floats())
            fixed (byte* winnersAt = winners.bytes)
            {
                var (g, w, i) = ((nint)gradientAt, (nint)winnersAt, (nint)inputGradientAt);
                int inputSize = height * width, outputSize = height / 2 * (width / 2);
                ParallelBlocks.Run(planes, ParallelBlocks.Count(planes, inputSize), (_, first, end) => MaxPool2x2Kernel.Backward(
                    new ReadOnlySpan<float>((float*)g + (long)first * outputSize, (end - first) * outputSize),
                    new ReadOnlySpan<byte>((byte*)w + (long)first * outputSize, (end - first) * outputSize),
                    new Span<float>((float*)i + (long)first * inputSize, (end - first) * inputSize), end - first, height, width));
            }
        }
        return new List<Tensor> { inputGradient, null! };
    }

    internal static Tensor WinnersFor(Tensor input) =>
        torch.empty(PooledShape(input.shape), ScalarType.Byte);

    internal static Tensor Pool(Tensor input, Tensor winners, bool relu)
    {
        var output = torch.empty(PooledShape(input.shape), ScalarType.Float32);
        var (planes, height, width) = Planes(input.shape);
        if (input.numel() != (long)planes * height * width) throw new ArgumentException("The input is not contiguous planes.", nameof(input));
        // Plane blocks on libtorch's threads: no sums across planes, so every thread count gives the same bits.
        unsafe
        {
            fixed (float* inputAt = input.Floats(), outputAt = output.Floats())
            fixed (byte* winnersAt = winners.bytes)
            {
                var (i, o, w) = ((nint)inputAt, (nint)outputAt, (nint)winnersAt);
                int inputSize = height * width, outputSize = height / 2 * (width / 2);
                ParallelBlocks.Run(planes, ParallelBlocks.Count(planes, inputSize), (_, first, end) => MaxPool2x2Kernel.Forward(
                    new ReadOnlySpan<float>((float*)i + (long)first * inputSize, (end - first) * inputSize),
                    new Span<float>((float*)o + (long)first * outputSize, (end - first) * outputSize),
                    new Span<byte>((byte*)w + (long)first * outputSize, (end - first) * outputSize), end - first, height, width, relu));
            }
        }
        return output;
    }

    private static long[] PooledShape(long[] shape) => new[] { shape[0], shape[1], shape[2] / 2, shape[3] / 2 };

    private static (int Planes, int Height, int Width) Planes(long[] shape) => ((int)(shape[0] * shape[1]), (int)shape[2], (int)shape[3]);

}
