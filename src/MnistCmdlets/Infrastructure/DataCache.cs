using System.Management.Automation;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>The data cache folder as a PowerShell user means it: a relative $env:MNIST_DATA_DIR is relative to the current location.</summary>
internal static class DataCache
{
    /// <summary>PowerShell's current file-system location: what relative paths in the module's environment variables are relative to.</summary>
    public static string CurrentFolder(PSCmdlet cmdlet) => cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    public static string Root(PSCmdlet cmdlet, string? cachePath = null)
    {
        if (!string.IsNullOrWhiteSpace(cachePath))
        {
            Mnist.Core.Persistence.PathChecks.Validate(cachePath, "-CachePath");
            return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(cachePath);
        }
        return MnistFiles.CacheFolder(CurrentFolder(cmdlet));
    }
}
