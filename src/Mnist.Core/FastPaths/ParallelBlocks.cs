using TorchSharp;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Runs a C# kernel over contiguous blocks of its items (images, planes) on libtorch's thread count, so the hand-written
/// kernels use the cores libtorch's operators use. The blocks depend only on the item count and the thread count,
/// and a kernel that sums across items keeps one sum per block and adds them in block order: results depend on the
/// thread count, never on scheduling. Small work runs as one block (a hand-off to another thread costs tens of
/// microseconds). The blocks run on libtorch's OpenMP threads where <see cref="OpenMpTeam"/> can reach them (the
/// threads libtorch's operators run on, between which the kernels then need no other threads), on .NET's thread pool otherwise.
/// </summary>
internal static class ParallelBlocks
{
    /// <summary>Below this many floats of work per block, blocks are not worth a hand-off.</summary>
    public const long MinimumBlockWork = 64 * 1024;

    /// <summary>How many blocks <paramref name="items"/> items of <paramref name="itemWork"/> floats each are split into.</summary>
    public static int Count(int items, long itemWork, int? threads = null)
    {
        int most = threads ?? torch.get_num_threads();
        long byWork = Math.Max(1, (long)items * itemWork / MinimumBlockWork);
        return (int)Math.Clamp(Math.Min(most, byWork), 1, Math.Max(1, items));
    }

    /// <summary>Calls <paramref name="body"/>(block, first item, end item) for each of <paramref name="blocks"/> blocks.</summary>
    public static void Run(int items, int blocks, Action<int, int, int> body)
    {
        if (blocks <= 1)
        {
            body(0, 0, items);
            return;
        }
        if (OpenMpTeam.IsAvailable)
            OpenMpTeam.Run(items, blocks, body);
        else
            RunOnThreadPool(items, blocks, body);
    }

    /// <summary>As <see cref="Run"/>, on .NET's thread pool whatever the platform (where libtorch's team is not available).</summary>
    internal static void RunOnThreadPool(int items, int blocks, Action<int, int, int> body)
    {
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks },
            block => body(block, First(items, blocks, block), First(items, blocks, block + 1)));
    }

    /// <summary>The first item of <paramref name="block"/> of <paramref name="blocks"/> (and the end of the block before it).</summary>
    public static int First(int items, int blocks, int block) => (int)((long)items * block / blocks);
}
