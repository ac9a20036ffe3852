using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Runs <see cref="ParallelBlocks"/>' blocks on libtorch's own OpenMP threads (libgomp's <c>GOMP_parallel</c>, the
/// entry point a <c>#pragma omp parallel</c> compiles to), so a training step's C# kernels and libtorch's operators
/// share one set of worker threads. With two sets (.NET's thread pool for the kernels, OpenMP's for libtorch) a
/// FastCnn step woke a thread of one set after each region of the other: on 2 cores the woken thread often landed on
/// the core of the thread that woke it and took turns with it there (the training thread was preempted by its own
/// workers about 13 times a batch), and OpenMP's workers could not wait for the next region by spinning without
/// taking the cores the .NET workers needed. One set lets them spin a little between regions
/// (<see cref="Runtime.OpenMpWaitPolicy"/>). Found through libtorch_cpu's own dependencies, so it is the OpenMP
/// runtime libtorch uses; where that is not libgomp (Windows' and macOS' builds) or not loaded, <see cref="IsAvailable"/>
/// is false and the blocks run on .NET's thread pool as before. Block b always runs as block b with its own items,
/// whichever thread runs it, so results are the same bits either way.
/// </summary>
internal static unsafe class OpenMpTeam
{
    private static readonly delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void> s_parallel;
    private static readonly delegate* unmanaged<int> s_memberNumber, s_teamSize;

    static OpenMpTeam()
    {
        if (!OperatingSystem.IsLinux()) return;
        IntPtr torch = LoadedLibtorch();
        if (torch != IntPtr.Zero
            && NativeLibrary.TryGetExport(torch, "GOMP_parallel", out var parallel)
            && NativeLibrary.TryGetExport(torch, "omp_get_thread_num", out var memberNumber)
            && NativeLibrary.TryGetExport(torch, "omp_get_num_threads", out var teamSize))
        {
            s_parallel = (delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void>)parallel;
            s_memberNumber = (delegate* unmanaged<int>)memberNumber;
            s_teamSize = (delegate* unmanaged<int>)teamSize;
        }
    }

    /// <summary>Whether libtorch's OpenMP team can run blocks here (libtorch loaded, its OpenMP runtime libgomp).</summary>
    public static bool IsAvailable => s_parallel != null;

    /// <summary>
    /// Calls <paramref name="body"/>(block, first item, end item) for each of <paramref name="blocks"/> blocks on a
    /// team of up to that many threads, the calling thread among them, and returns when all are done. A team smaller
    /// than asked for (OpenMP gives one thread inside another parallel region) runs the blocks in turn. The first
    /// exception a block throws is rethrown here once every thread has finished.
    /// </summary>
    public static void Run(int items, int blocks, Action<int, int, int> body)
    {
        if (!IsAvailable) throw new InvalidOperationException("libtorch's OpenMP runtime is not available in this process.");
        var work = new TeamWork(items, blocks, body);
        var handle = GCHandle.Alloc(work);
        try
        {
            s_parallel(&RunMember, GCHandle.ToIntPtr(handle), (uint)blocks, 0);
        }
        finally
        {
            handle.Free();
        }
        if (work.Failure is { } failure) failure.Throw();
    }

    // Runs on every thread of the team; an exception must not cross into native code, so it is kept for Run.
    [UnmanagedCallersOnly]
    private static void RunMember(IntPtr state)
    {
        var work = (TeamWork)GCHandle.FromIntPtr(state).Target!;
        try
        {
            int teamSize = s_teamSize(), member = s_memberNumber();
            for (int block = member; block < work.Blocks; block += teamSize) work.RunBlock(block);
        }
        catch (Exception e)
        {
            work.Fail(e);
        }
    }

    private sealed class TeamWork(int items, int blocks, Action<int, int, int> body)
    {
        private ExceptionDispatchInfo? _failure;

        public int Blocks => blocks;
        public ExceptionDispatchInfo? Failure => _failure;

        public void RunBlock(int block) =>
            body(block, ParallelBlocks.First(items, blocks, block), ParallelBlocks.First(items, blocks, block + 1));

        public void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
    }

    // libtorch_cpu as already loaded (by the module's runtime loader or TorchSharp's), never a second copy: its
    // handle finds symbols in the libraries it depends on, so the OpenMP runtime found is the one libtorch calls.
    private static IntPtr LoadedLibtorch()
    {
        try
        {
            _ = TorchSharp.torch.get_num_threads(); // TorchSharp loads libtorch on its first call
            return dlopen("libtorch_cpu.so", RtldLazy | RtldNoLoad);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or NotSupportedException)
        {
            return IntPtr.Zero; // no libtorch here: the blocks use the thread pool
        }
    }

    private const int RtldLazy = 0x1, RtldNoLoad = 0x4;

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);
}
