using System.Collections.Concurrent;
using Mnist.Core.FastPaths;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The kernels' blocks run on libtorch's OpenMP threads on Linux: each block exactly once with the items the thread
/// pool would give it (so results keep their bits), on more than one thread, in turn when the team is smaller than
/// the blocks, and a block's exception reaches the caller without breaking the next run.
/// </summary>
public class OpenMpTeamTests
{
    /// <summary>Skipped, with the reason, where libtorch's OpenMP runtime is not libgomp (the blocks use the thread pool there).</summary>
    private sealed class TeamFactAttribute : FactAttribute
    {
        public TeamFactAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = "libtorch's OpenMP runtime is libgomp only on Linux: elsewhere the blocks run on .NET's thread pool";
        }
    }

    [TeamFact]
    public void Libtorchs_OpenMP_team_is_found_on_Linux()
    {
        Assert.True(OpenMpTeam.IsAvailable, "GOMP_parallel found through libtorch_cpu's dependencies");
    }

    [TeamFact]
    public void Each_block_runs_once_with_the_items_the_thread_pool_gives_it()
    {
        var onTeam = Record(runs => OpenMpTeam.Run(1000, 7, runs));
        var onPool = Record(runs => ParallelBlocks.RunOnThreadPool(1000, 7, runs));

        Assert.Equal(Enumerable.Range(0, 7), onTeam.Keys.Order());
        Assert.Equal(onPool.OrderBy(b => b.Key), onTeam.OrderBy(b => b.Key));
        Assert.Equal(1000, onTeam.Values.Sum(range => range.End - range.First));
    }

    [TeamFact]
    public void Two_blocks_run_on_two_threads()
    {
        var threads = new ConcurrentDictionary<int, int>();
        using var bothStarted = new Barrier(2);
        OpenMpTeam.Run(2, 2, (block, _, _) =>
        {
            threads[block] = Environment.CurrentManagedThreadId;
            Assert.True(bothStarted.SignalAndWait(TimeSpan.FromSeconds(30)), "the other block ran at the same time");
        });

        Assert.Equal(2, threads.Values.Distinct().Count());
    }

    [TeamFact]
    public void Blocks_asked_for_inside_a_block_run_in_turn_on_that_thread()
    {
        var inner = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        OpenMpTeam.Run(2, 2, (outer, _, _) =>
        {
            var seen = inner.GetOrAdd(outer, _ => new ConcurrentBag<int>());
            int thread = Environment.CurrentManagedThreadId;
            OpenMpTeam.Run(50, 5, (block, _, _) =>
            {
                Assert.Equal(thread, Environment.CurrentManagedThreadId);
                seen.Add(block);
            });
        });

        Assert.All(inner.Values, blocks => Assert.Equal(Enumerable.Range(0, 5), blocks.Order()));
        Assert.Equal(2, inner.Count);
    }

    [TeamFact]
    public void A_blocks_exception_reaches_the_caller_and_the_team_runs_again()
    {
        var thrown = Assert.Throws<InvalidDataException>(() => OpenMpTeam.Run(10, 2, (block, _, _) =>
        {
            if (block == 1) throw new InvalidDataException("block 1 failed");
        }));
        Assert.Equal("block 1 failed", thrown.Message);

        var again = Record(runs => OpenMpTeam.Run(10, 2, runs));
        Assert.Equal(2, again.Count);
    }

    private static ConcurrentDictionary<int, (int First, int End)> Record(Action<Action<int, int, int>> run)
    {
        var blocks = new ConcurrentDictionary<int, (int, int)>();
        run((block, first, end) => Assert.True(blocks.TryAdd(block, (first, end)), $"block {block} ran once"));
        return blocks;
    }
}
