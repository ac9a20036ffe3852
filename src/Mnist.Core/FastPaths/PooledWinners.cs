using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Core.FastPaths;

/// <summary>
/// One pooled plane's winners that survived ReLU, in window order: where each one's window starts in the input plane
/// and its gradient; and every window's gradient with the cut ones set to +0 (what the bias sums). Eight windows at a
/// time with AVX2 (the survivors packed left through a table of permutations), one at a time otherwise. Reused
/// plane after plane by one thread.
/// </summary>
internal sealed class PooledWinners
{
    private static readonly int[] PackTable = BuildPackTable();
    private readonly int[] _corners; // each window's top-left input position
    private readonly int _columns;

    public PooledWinners(int pooledRows, int pooledColumns, int columns)
    {
        _columns = columns;
        _corners = new int[pooledRows * pooledColumns];
        for (int py = 0, p = 0; py < pooledRows; py++)
            for (int px = 0; px < pooledColumns; px++, p++) _corners[p] = 2 * py * columns + 2 * px;
        // Eight floats of slack: a packed store writes a whole vector past the last survivor.
        Origins = new int[_corners.Length + Vector256<int>.Count];
        Scales = new float[_corners.Length + Vector256<float>.Count];
        Masked = new float[_corners.Length];
    }

    public int Count { get; private set; }
    public int[] Origins { get; }
    public float[] Scales { get; }
    public float[] Masked { get; }

    /// <summary>Lists the plane's survivors from its pooled gradient and winner codes (<see cref="MaxPool2x2Kernel"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(ReadOnlySpan<float> gradient, ReadOnlySpan<byte> winners)
    {
        int size = _corners.Length;
        if (gradient.Length < size || winners.Length < size) throw new ArgumentException("The plane's gradient or winners are too short.");
        ref float gradRef = ref MemoryMarshal.GetReference(gradient);
        ref byte winRef = ref MemoryMarshal.GetReference(winners);
        ref int cornerRef = ref MemoryMarshal.GetArrayDataReference(_corners);
        ref int originRef = ref MemoryMarshal.GetArrayDataReference(Origins);
        ref float scaleRef = ref MemoryMarshal.GetArrayDataReference(Scales);
        ref float maskedRef = ref MemoryMarshal.GetArrayDataReference(Masked);
        int count = 0, p = 0;
        if (Avx2.IsSupported)
        {
            var (one, none, columns) = (Vector256.Create(1), Vector256.Create((int)MaxPool2x2Kernel.NoWinner), Vector256.Create(_columns));
            ref int packRef = ref MemoryMarshal.GetArrayDataReference(PackTable);
            for (; p + 8 <= size; p += 8)
            {
                var codes = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref winRef, p))).AsByte());
                var survived = Vector256.LessThan(codes, none);
                var g = Vector256.LoadUnsafe(ref gradRef, (nuint)p) & survived.AsSingle();
                g.StoreUnsafe(ref maskedRef, (nuint)p);
                var origin = Vector256.LoadUnsafe(ref cornerRef, (nuint)p) + ((codes >> 1) & one) * columns + (codes & one);
                uint bits = survived.AsSingle().ExtractMostSignificantBits();
                var pack = Vector256.LoadUnsafe(ref packRef, (nuint)(bits * 8));
                Avx2.PermuteVar8x32(origin, pack).StoreUnsafe(ref originRef, (nuint)count);
                Avx2.PermuteVar8x32(g, pack).StoreUnsafe(ref scaleRef, (nuint)count);
                count += BitOperations.PopCount(bits);
            }
        }
        for (; p < size; p++)
        {
            int winner = Unsafe.Add(ref winRef, p);
            bool survived = winner < MaxPool2x2Kernel.NoWinner;
            float g = survived ? Unsafe.Add(ref gradRef, p) : 0f;
            Unsafe.Add(ref maskedRef, p) = g;
            if (!survived) continue;
            Unsafe.Add(ref originRef, count) = Unsafe.Add(ref cornerRef, p) + ((winner >> 1) & 1) * _columns + (winner & 1);
            Unsafe.Add(ref scaleRef, count++) = g;
        }
        Count = count;
    }

    // For each 8-bit mask, the lanes whose bit is set, in order, then zeros.
    private static int[] BuildPackTable()
    {
        var table = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
            for (int lane = 0, at = 0; lane < 8; lane++)
                if ((mask & (1 << lane)) != 0) table[mask * 8 + at++] = lane;
        return table;
    }
}
