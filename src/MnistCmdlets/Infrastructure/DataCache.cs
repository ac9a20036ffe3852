using System.Management.Automation;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>The data cache folder as a PowerShell user means it: a relative $env:MNIST_DATA_DIR is relative to the current location.</summary>
internal static class DataCache
{
    public static string Root(PSCmdlet cmdlet, string? cachePath = null)
    {
        var given = cachePath ?? Environment.GetEnvironmentVariable(MnistFiles.CacheVariable);
        return string.IsNullOrWhiteSpace(given)
            ? MnistFiles.DefaultCacheFolder
            : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
    }
}
