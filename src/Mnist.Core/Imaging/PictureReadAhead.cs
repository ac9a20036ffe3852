using System.Runtime.ExceptionServices;

namespace Mnist.Core.Imaging;

/// <summary>A picture file prepared by <see cref="PictureReadAhead"/>: its 28x28 pixels, or the error that file gave.</summary>
public sealed record PreparedPicture(string Path, byte[]? Pixels, MnistException? Error, object? Tag);

/// <summary>
/// Prepares picture files (<see cref="DigitImageFile.Prepare"/>) on the thread pool, up to a bounded window ahead of
/// the caller, and hands them back in the order they were added: a caller that writes results one by one (a cmdlet in
/// a pipeline) keeps its input order, and every core prepares pictures while it writes. A file's
/// <see cref="MnistException"/> is its result, in its place; any other exception is rethrown when its turn comes.
/// Cancelling the token stops waiting at once; pictures already being prepared finish and are dropped.
/// </summary>
public sealed class PictureReadAhead
{
    private readonly Queue<(string Path, object? Tag, Task<byte[]> Work)> _pending = new();
    private readonly CancellationToken _cancel;

    /// <param name="window">Pictures in preparation at most; the default, four per core, keeps every core busy.</param>
    public PictureReadAhead(CancellationToken cancel, int window = 0)
    {
        _cancel = cancel;
        Window = window > 0 ? window : 4 * Environment.ProcessorCount;
    }

    public int Window { get; }

    /// <summary>Pictures added and not yet taken.</summary>
    public int Count => _pending.Count;

    /// <summary>True when the window is full: take the oldest before adding more.</summary>
    public bool IsFull => _pending.Count >= Window;

    /// <summary>Starts preparing <paramref name="path"/>; <paramref name="tag"/> comes back with it (the model to predict with, say).</summary>
    public void Add(string path, object? tag = null)
    {
        var cancel = _cancel;
        _pending.Enqueue((path, tag, Task.Run(() => DigitImageFile.Prepare(path, cancel), cancel)));
    }

    /// <summary>The oldest picture, waiting for it if it is still being prepared.</summary>
    public PreparedPicture TakeOldest()
    {
        var (path, tag, work) = _pending.Dequeue();
        try
        {
            work.Wait(_cancel);
        }
        catch (AggregateException e) when (e.InnerException is MnistException problem)
        {
            return new PreparedPicture(path, null, problem, tag);
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return new PreparedPicture(path, work.Result, null, tag);
    }
}
