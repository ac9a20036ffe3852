using System.Runtime.InteropServices;

namespace Mnist.Core.FastPaths;

/// <summary>
/// A scratch buffer of floats starting on a cache line, outside the managed heap. A kernel that stores a 32-byte vector
/// and soon loads it again needs the vector inside one cache line: a store across two lines is not forwarded to
/// the load, which then waits for the store to reach the cache (in FastCnn's second backward that wait was most of the time).
/// </summary>
internal sealed unsafe class AlignedFloats : IDisposable
{
    private const int CacheLine = 64;
    private float* _start;

    public AlignedFloats(int length)
    {
        Length = length;
        _start = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * sizeof(float), CacheLine);
    }

    public int Length { get; }

    public Span<float> Span => _start == null ? throw new ObjectDisposedException(nameof(AlignedFloats)) : new Span<float>(_start, Length);

    public void Dispose()
    {
        if (_start == null) return;
        NativeMemory.AlignedFree(_start);
        _start = null;
    }
}
