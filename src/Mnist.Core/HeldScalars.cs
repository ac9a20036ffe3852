using TorchSharp;

namespace Mnist.Core;

/// <summary>
/// TorchSharp hands libtorch a Scalar's native value without keeping the Scalar alive through the call: a temporary
/// one (an implicit conversion from a number) can be finalized, and its value freed, while libtorch still reads it
/// (seen once in a bench run: "For integral input tensors, argument alpha must not be a floating point number", the
/// implicit alpha of 1 in a training step's correct count). Code that calls libtorch on every batch passes Scalars it
/// holds: these, fields of its own, or ones in a <c>using</c> that ends after the call.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar One = 1L.ToScalar();
}
