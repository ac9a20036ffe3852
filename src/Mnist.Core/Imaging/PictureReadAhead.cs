using System.Runtime.ExceptionServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// A picture file prepared by <see cref="PictureReadAhead"/>: its 28x28 pixels and what the read-ahead's finishing step
/// made of them (<see cref="Result"/>), or the error that file gave.
/// </summary>
public sealed record PreparedPicture(string Path, byte[]? Pixels, MnistException? Error, object? Tag)
{
    /// <summary>The finishing step's result (a prediction, say); null without one.</summary>
    public object? Result { get; init; }
}

/// <summary>
/// Prepares picture files (<see cref="DigitImageFile.Prepare"/>) on the thread pool, up to a bounded window ahead of
/// the caller, and hands them back in the order they were added: a caller that writes results one by one (a cmdlet in
/// a pipeline) keeps its input order, and every core prepares pictures while it writes. A file's
/// <see cref="MnistException"/> is its result, in its place; any other exception is rethrown when its turn comes.
/// Cancelling the token stops waiting at once; pictures already being prepared finish and are dropped.
/// A finishing step (the prediction, for a cmdlet) runs on the pool right after each picture's preparation, so the
/// caller's thread, which a pipeline keeps busy with its own work, only writes the results.
/// </summary>
public sealed class PictureReadAhead
{
    private readonly Queue<(string Path, object? Tag, Task<(byte[] Pixels, object? Result)> Work)> _pending = new();
    private readonly CancellationToken _cancel;
    private readonly Func<string, byte[], object?, object?>? _finish;

    /// <param name="window">Pictures in preparation at most; the default, four per core, keeps every core busy.</param>
    /// <param name="finish">
    /// Run on the pool after a picture is prepared, with its path, pixels and tag; its result comes back as
    /// <see cref="PreparedPicture.Result"/>, and its <see cref="MnistException"/> as the picture's error. It must be
    /// safe to run on several threads at once.
    /// </param>
    public PictureReadAhead(CancellationToken cancel, int window = 0, Func<string, byte[], object?, object?>? finish = null)
    {
        _cancel = cancel;
        _finish = finish;
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
        var (cancel, finish) = (_cancel, _finish);
        _pending.Enqueue((path, tag, Task.Run(() =>
        {
            var pixels = DigitImageFile.Prepare(path, cancel);
            return (pixels, finish?.Invoke(path, pixels, tag));
        }, cancel)));
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
        var (pixels, result) = work.Result;
        return new PreparedPicture(path, pixels, null, tag) { Result = result };
    }
}
