namespace Mnist.Core.Runtime;

/// <summary>One step of an install: waiting for another install, downloading or extracting a package, patching, done.</summary>
public sealed record RuntimeInstallProgress(string Status, long Done, long? Total, bool IsFinal = false)
{
    public int Percent => Total is > 0 ? (int)Math.Clamp(Done * 100 / Total.Value, 0, 100) : -1;
}
