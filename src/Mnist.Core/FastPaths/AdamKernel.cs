using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>The constants of one Adam step for one parameter.</summary>
internal readonly record struct AdamStep(float Beta1, float Beta2, float StepSize, float SqrtBiasCorrection2, float Epsilon,
    float L2Decay, float DecoupledDecay)
{
    /// <summary>
    /// Adam (L2 penalty added to the gradient) or AdamW (the parameter shrunk by lr * decay first), for the step
    /// count after this step, as TorchSharp's managed optimizers compute them.
    /// </summary>
    public static AdamStep For(double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, long step) => new(
        (float)beta1, (float)beta2,
        StepSize: (float)(lr / (1 - Math.Pow(beta1, step))),
        SqrtBiasCorrection2: (float)Math.Sqrt(1 - Math.Pow(beta2, step)),
        Epsilon: (float)eps,
        L2Decay: decoupled ? 0f : (float)weightDecay,
        DecoupledDecay: decoupled ? (float)(1 - lr * weightDecay) : 1f);
}

/// <summary>
/// Adam's update in one pass over a parameter's memory: the moments, the bias-corrected denominator and the
/// parameter change per element, in registers, where TorchSharp's managed Adam makes about eight passes and two
/// temporaries per parameter. The arithmetic follows TorchSharp's order, so results agree within float rounding.
/// </summary>
internal static class AdamKernel
{
    /// <summary>
    /// Moments smaller than this are stored as zero. A moment that only decays (a weight whose gradient has been zero
    /// for hundreds of steps, such as one fed by a pixel that is rarely inked) would otherwise go subnormal, and
    /// subnormal arithmetic is about a hundred times slower on x86: an MNIST MLP's optimizer step took 2.5 times as
    /// long from its third epoch. The change this makes to a weight is below 1e-20 of its step, far under rounding.
    /// </summary>
    public const float Tiny = 1e-30f;

    /// <summary>Whether a tensor can be updated in place through its memory: float32, on the CPU, contiguous.</summary>
    public static bool Fits(Tensor tensor) =>
        tensor.dtype == ScalarType.Float32 && tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    public static void Apply(Tensor parameter, Tensor grad, Tensor expAvg, Tensor expAvgSq, in AdamStep step)
    {
        Span<float> p = parameter.Floats(), g = grad.Floats(), m = expAvg.Floats(), v = expAvgSq.Floats();
        if (g.Length != p.Length || m.Length != p.Length || v.Length != p.Length)
            throw new InvalidOperationException("A parameter, its gradient and its moments differ in size.");
        Apply(p, g, m, v, step);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamStep s)
    {
        int n = p.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        if (Vector512.IsHardwareAccelerated)
        {
            var c = new Constants512(s);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count) Step512(ref pr, ref gr, ref mr, ref vr, (nuint)i, c);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var c = new Constants256(s);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count) Step256(ref pr, ref gr, ref mr, ref vr, (nuint)i, c);
        }
        for (; i < n; i++)
        {
            float grad = g[i] + s.L2Decay * p[i];
            float param = p[i] * s.DecoupledDecay;
            float avg = m[i] * s.Beta1 + (1 - s.Beta1) * grad;
            float avgSq = v[i] * s.Beta2 + (1 - s.Beta2) * (grad * grad);
            if (MathF.Abs(avg) < Tiny) avg = 0f;
            if (avgSq < Tiny) avgSq = 0f;
            float denom = MathF.Sqrt(avgSq) / s.SqrtBiasCorrection2 + s.Epsilon;
            m[i] = avg;
            v[i] = avgSq;
            p[i] = param + -s.StepSize * (avg / denom);
        }
    }

    private readonly struct Constants512(AdamStep s)
    {
        public readonly Vector512<float> Beta1 = Vector512.Create(s.Beta1), OneMinusBeta1 = Vector512.Create(1 - s.Beta1);
        public readonly Vector512<float> Beta2 = Vector512.Create(s.Beta2), OneMinusBeta2 = Vector512.Create(1 - s.Beta2);
        public readonly Vector512<float> MinusStep = Vector512.Create(-s.StepSize), Correction = Vector512.Create(s.SqrtBiasCorrection2);
        public readonly Vector512<float> Epsilon = Vector512.Create(s.Epsilon), L2 = Vector512.Create(s.L2Decay);
        public readonly Vector512<float> Decay = Vector512.Create(s.DecoupledDecay);
        public readonly Vector512<float> Tiny = Vector512.Create(AdamKernel.Tiny);
    }

    private readonly struct Constants256(AdamStep s)
    {
        public readonly Vector256<float> Beta1 = Vector256.Create(s.Beta1), OneMinusBeta1 = Vector256.Create(1 - s.Beta1);
        public readonly Vector256<float> Beta2 = Vector256.Create(s.Beta2), OneMinusBeta2 = Vector256.Create(1 - s.Beta2);
        public readonly Vector256<float> MinusStep = Vector256.Create(-s.StepSize), Correction = Vector256.Create(s.SqrtBiasCorrection2);
        public readonly Vector256<float> Epsilon = Vector256.Create(s.Epsilon), L2 = Vector256.Create(s.L2Decay);
        public readonly Vector256<float> Decay = Vector256.Create(s.DecoupledDecay);
        public readonly Vector256<float> Tiny = Vector256.Create(AdamKernel.Tiny);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step512(ref float pr, ref float gr, ref float mr, ref float vr, nuint i, in Constants512 c)
    {
        var param = Vector512.LoadUnsafe(ref pr, i);
        var grad = Vector512.LoadUnsafe(ref gr, i) + c.L2 * param;
        param *= c.Decay;
        var avg = Vector512.LoadUnsafe(ref mr, i) * c.Beta1 + c.OneMinusBeta1 * grad;
        var avgSq = Vector512.LoadUnsafe(ref vr, i) * c.Beta2 + c.OneMinusBeta2 * (grad * grad);
        avg &= Vector512.GreaterThanOrEqual(Vector512.Abs(avg), c.Tiny);
        avgSq &= Vector512.GreaterThanOrEqual(avgSq, c.Tiny);
        var denom = Vector512.Sqrt(avgSq) / c.Correction + c.Epsilon;
        avg.StoreUnsafe(ref mr, i);
        avgSq.StoreUnsafe(ref vr, i);
        (param + c.MinusStep * (avg / denom)).StoreUnsafe(ref pr, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step256(ref float pr, ref float gr, ref float mr, ref float vr, nuint i, in Constants256 c)
    {
        var param = Vector256.LoadUnsafe(ref pr, i);
        var grad = Vector256.LoadUnsafe(ref gr, i) + c.L2 * param;
        param *= c.Decay;
        var avg = Vector256.LoadUnsafe(ref mr, i) * c.Beta1 + c.OneMinusBeta1 * grad;
        var avgSq = Vector256.LoadUnsafe(ref vr, i) * c.Beta2 + c.OneMinusBeta2 * (grad * grad);
        avg &= Vector256.GreaterThanOrEqual(Vector256.Abs(avg), c.Tiny);
        avgSq &= Vector256.GreaterThanOrEqual(avgSq, c.Tiny);
        var denom = Vector256.Sqrt(avgSq) / c.Correction + c.Epsilon;
        avg.StoreUnsafe(ref mr, i);
        avgSq.StoreUnsafe(ref vr, i);
        (param + c.MinusStep * (avg / denom)).StoreUnsafe(ref pr, i);
    }
}
