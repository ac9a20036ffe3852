using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Mnist.Core;

internal static class TensorMemory
{
    /// <summary>The elements of a contiguous float32 CPU tensor, in place: what the SIMD kernels read and write.</summary>
    public static Span<float> Floats(this Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
