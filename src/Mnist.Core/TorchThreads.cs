using TorchSharp;

namespace Mnist.Core;

/// <summary>
/// Sets libtorch's intra-op thread count for one piece of work and puts the previous value back after it, so a
/// -ThreadCount of one call does not leak into the rest of the session.
/// </summary>
public sealed class TorchThreads : IDisposable
{
    private static readonly object Gate = new();
    private readonly int? _previous;

    private TorchThreads(int? previous) => _previous = previous;

    public static TorchThreads Use(int? threads)
    {
        if (threads is not int count) return new TorchThreads(null);
        lock (Gate)
        {
            int previous = torch.get_num_threads();
            if (previous != count) torch.set_num_threads(count);
            return new TorchThreads(previous);
        }
    }

    public void Dispose()
    {
        if (_previous is not int previous) return;
        lock (Gate)
        {
            if (torch.get_num_threads() != previous) torch.set_num_threads(previous);
        }
    }
}
