using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mnist.Core.Tests;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 for hostile-network tests: each request is answered by a script that may send
/// a whole response, headers and part of a body and then nothing, or nothing at all. Disposing it stops the listener
/// and closes every connection, so no test leaves a server behind.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    public sealed record Reply(string Head, byte[] Body, bool Stall = false)
    {
        /// <summary>Accepts the request and never answers.</summary>
        public static Reply Silence => new("", Array.Empty<byte>(), Stall: true);

        public static Reply Ok(byte[] body) => new($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close", body);

        public static Reply Ok(string body) => Ok(Encoding.UTF8.GetBytes(body));

        public static Reply NotFound => new("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close", Array.Empty<byte>());

        public static Reply Redirect(string location) => new($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close", Array.Empty<byte>());

        /// <summary>Announces <paramref name="length"/> bytes, sends the first of them and then nothing.</summary>
        public static Reply StallAfter(byte[] start, long length) => new($"HTTP/1.1 200 OK\r\nContent-Length: {length}", start, Stall: true);
    }

    public sealed record Request(string Path, string? Authorization);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = new();
    private readonly List<Request> _requests = new();

    public LoopbackServer(Func<Request, Reply> respond)
    {
        _listener.Start();
        Prefix = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); } catch { return; }
                lock (_clients) _clients.Add(client);
                _ = Task.Run(() => Serve(client, respond));
            }
        });
    }

    public string Prefix { get; }

    public IReadOnlyList<Request> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    private async Task Serve(TcpClient client, Func<Request, Reply> respond)
    {
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n"))
            {
                int read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var lines = head.ToString().Split("\r\n");
            var path = lines[0].Split(' ')[1];
            var authorization = lines.FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))?[14..].Trim();
            var request = new Request(path, authorization);
            lock (_requests) _requests.Add(request);
            var reply = respond(request);
            if (reply.Head.Length > 0) await stream.WriteAsync(Encoding.ASCII.GetBytes(reply.Head + "\r\n\r\n"), _stop.Token);
            await stream.WriteAsync(reply.Body, _stop.Token);
            await stream.FlushAsync(_stop.Token);
            if (reply.Stall) await Task.Delay(Timeout.Infinite, _stop.Token);
            client.Dispose();
        }
        catch
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients) foreach (var client in _clients) client.Dispose();
    }
}
