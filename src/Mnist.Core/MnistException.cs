namespace Mnist.Core;

/// <summary>The broad kind of a failure, so that a host can map it to its own error categories.</summary>
public enum MnistErrorKind
{
    InvalidData,
    InvalidArgument,
    NotFound,
    InvalidOperation,
    ResourceUnavailable,
    AlreadyExists,
    LimitsExceeded,
    PermissionDenied,
}

/// <summary>
/// A failure the user can act on. <see cref="ErrorId"/> is stable (scripts match on it);
/// <see cref="Target"/> names the file, parameter or object at fault.
/// </summary>
public class MnistException : Exception
{
    public MnistException(string errorId, MnistErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public MnistErrorKind Kind { get; }
    public object? Target { get; }
}
