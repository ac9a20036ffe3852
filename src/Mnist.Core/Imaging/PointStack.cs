using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// The (x, y) pairs a flood fill has still to visit, in a pooled array that starts small and doubles when full: a fill
/// needs room for the patch it is filling, not for the whole picture (a 16-megapixel picture would otherwise take
/// 128 MB for a digit of a few thousand pixels).
/// </summary>
internal struct PointStack : IDisposable
{
    private int[] _items;
    private int _count;

    /// <summary>Room for 8,192 points to begin with (a digit of a 200x200 photo rarely needs more).</summary>
    public PointStack() => _items = ArrayPool<int>.Shared.Rent(2 * 8192);

    public readonly bool IsEmpty => _count == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(int x, int y)
    {
        if (_count + 2 > _items.Length) Grow();
        _items[_count] = x;
        _items[_count + 1] = y;
        _count += 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int X, int Y) Pop()
    {
        _count -= 2;
        return (_items[_count], _items[_count + 1]);
    }

    private void Grow()
    {
        var larger = ArrayPool<int>.Shared.Rent(2 * _items.Length);
        _items.AsSpan(0, _count).CopyTo(larger);
        ArrayPool<int>.Shared.Return(_items);
        _items = larger;
    }

    public void Dispose()
    {
        if (_items.Length > 0) ArrayPool<int>.Shared.Return(_items);
        _items = [];
    }
}
