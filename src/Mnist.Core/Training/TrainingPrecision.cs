namespace Mnist.Core.Training;

/// <summary>
/// The number format of a training's matrix products and convolutions. Weights, optimizer state, the loss and every
/// prediction stay float32 either way.
/// </summary>
public enum TrainingPrecision
{
    Float32,

    /// <summary>
    /// Products in bfloat16 with float32 accumulation (mixed precision, as PyTorch's autocast on the CPU): faster on
    /// CPUs with AVX512-BF16 or AMX, refused elsewhere (see <see cref="Runtime.CpuFeatures.FastBFloat16"/>).
    /// </summary>
    BFloat16,
}
