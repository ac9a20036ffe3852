using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// The runs of pixels above a level, row by row, joined into 8-connected patches: the patches a flood fill finds, with
/// the work done per run (found by vector searches) instead of per pixel and neighbour. Two runs on neighbouring rows
/// touch when they overlap or meet at a corner; joined runs share a root, always the patch's first run in reading
/// order, so numbering the roots in run order numbers the patches in the order of their first pixel. Pooled arrays:
/// dispose to return them.
/// </summary>
internal sealed class InkRuns : IDisposable
{
    private int[] _start, _end, _row, _parent, _rowFirst;

    /// <summary>How many runs.</summary>
    public int Count { get; private set; }

    /// <summary>The first pixel of run <paramref name="run"/> in its row.</summary>
    public int Start(int run) => _start[run];

    /// <summary>One past the last pixel of run <paramref name="run"/> in its row.</summary>
    public int End(int run) => _end[run];

    public int Row(int run) => _row[run];

    /// <summary>The runs of row <paramref name="y"/>: from this index up to that of row y + 1.</summary>
    public int FirstOfRow(int y) => _rowFirst[y];

    private InkRuns(int height)
    {
        _start = ArrayPool<int>.Shared.Rent(1024);
        _end = ArrayPool<int>.Shared.Rent(1024);
        _row = ArrayPool<int>.Shared.Rent(1024);
        _parent = ArrayPool<int>.Shared.Rent(1024);
        _rowFirst = ArrayPool<int>.Shared.Rent(height + 1);
    }

    /// <summary>The runs of pixels above <paramref name="threshold"/> (below 255) in <paramref name="ink"/>, joined into patches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static InkRuns Find(ReadOnlySpan<byte> ink, int width, byte threshold)
    {
        int height = ink.Length / width;
        var runs = new InkRuns(height);
        byte above = (byte)(threshold + 1);
        for (int y = 0; y < height; y++)
        {
            int previous = y > 0 ? runs._rowFirst[y - 1] : 0, previousEnd = runs.Count;
            runs._rowFirst[y] = runs.Count;
            var row = ink.Slice(y * width, width);
            int x = 0;
            while (x < width)
            {
                int start = row[x..].IndexOfAnyInRange(above, (byte)255);
                if (start < 0) break;
                start += x;
                int end = row[start..].IndexOfAnyInRange((byte)0, threshold);
                end = end < 0 ? width : start + end;
                int run = runs.Add(start, end, y);
                // Runs of the row above that end left of this one's left neighbour cannot touch it, nor any run after it.
                while (previous < previousEnd && runs._end[previous] < start) previous++;
                for (int other = previous; other < previousEnd && runs._start[other] <= end; other++) runs.Join(run, other);
                x = end;
            }
        }
        runs._rowFirst[height] = runs.Count;
        return runs;
    }

    /// <summary>The patch's first run in reading order (the root of its set).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Root(int run)
    {
        var parent = _parent;
        while (parent[run] != run)
        {
            parent[run] = parent[parent[run]];
            run = parent[run];
        }
        return run;
    }

    /// <summary>The run of row <paramref name="y"/> holding pixel <paramref name="x"/>; -1 when the pixel is not above the level.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int At(int x, int y)
    {
        for (int run = _rowFirst[y]; run < _rowFirst[y + 1]; run++)
            if (x < _end[run]) return x >= _start[run] ? run : -1;
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Add(int start, int end, int row)
    {
        if (Count == _start.Length)
        {
            Grow(ref _start); Grow(ref _end); Grow(ref _row); Grow(ref _parent);
        }
        _start[Count] = start; _end[Count] = end; _row[Count] = row; _parent[Count] = Count;
        return Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Join(int a, int b)
    {
        int rootA = Root(a), rootB = Root(b);
        if (rootA < rootB) _parent[rootB] = rootA;
        else if (rootB < rootA) _parent[rootA] = rootB;
    }

    private void Grow(ref int[] items)
    {
        var larger = ArrayPool<int>.Shared.Rent(2 * items.Length);
        items.AsSpan(0, Count).CopyTo(larger);
        ArrayPool<int>.Shared.Return(items);
        items = larger;
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_start);
        ArrayPool<int>.Shared.Return(_end);
        ArrayPool<int>.Shared.Return(_row);
        ArrayPool<int>.Shared.Return(_parent);
        ArrayPool<int>.Shared.Return(_rowFirst);
        _start = _end = _row = _parent = _rowFirst = [];
    }
}
