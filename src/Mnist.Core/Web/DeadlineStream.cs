namespace Mnist.Core.Web;

/// <summary>
/// A response body whose every read must return within a timeout, and which Ctrl+C (the token) interrupts: a server
/// that accepts the connection and then stops sending cannot hold a read forever. A read that times out throws
/// <see cref="WebFetchException"/>; the caller names the address.
/// </summary>
public sealed class DeadlineStream : ReadOnlyWrapperStream
{
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancel;

    public DeadlineStream(Stream inner, TimeSpan timeout, CancellationToken cancel) : base(inner)
    {
        _timeout = timeout;
        _cancel = cancel;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadWithDeadline(buffer.AsMemory(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = ReadWithDeadline(rented.AsMemory(0, buffer.Length));
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private int ReadWithDeadline(Memory<byte> buffer)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        deadline.CancelAfter(_timeout);
        try
        {
            return Inner.ReadAsync(buffer, deadline.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!_cancel.IsCancellationRequested)
        {
            throw new WebFetchException($"sent nothing for {_timeout.TotalSeconds:0.#} s in the middle of its answer");
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !_cancel.IsCancellationRequested)
        {
            throw new WebFetchException($"broke off in the middle of its answer: {e.Message}", e);
        }
    }
}
