using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Runtime;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Installs TorchSharp's native glue and libtorch for this platform (or -Platform) from a NuGet v3 feed or a folder
/// of .nupkg files into the per-user runtime folder, each package checked against the SHA-512 the module pins.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "MnistRuntime", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RuntimeInfo))]
public sealed class InstallMnistRuntimeCommand : MnistCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = PackageSources.DefaultFeed;

    [Parameter]
    [ValidateSet("linux-x64", "win-x64", "osx-arm64")]
    public string? Platform { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessOne()
    {
        var rid = Platform ?? RuntimePlatform.RequireCurrent();
        var home = RuntimeLocation.HomeFrom(DataCache.CurrentFolder(this));
        var target = RuntimeLocation.FolderFor(rid, home);
        var source = IsUrl(Source) ? Source : ResolvePath(Source);
        var packages = PackageSources.From(source);
        if (!Force && RuntimeLocation.IsInstalled(target))
        {
            WriteVerbose($"The runtime is already installed in '{target}'; -Force installs it again.");
            WriteObject(RuntimeInfo.Read(rid, target, wasPresent: true));
            return;
        }
        var pins = RuntimePins.Current;
        if (!ShouldProcess(target, $"Install TorchSharp {pins.TorchSharpVersion} and libtorch {pins.LibTorchVersion} for {rid} from '{packages.Name}'")) return;

        var installer = new RuntimeInstaller(packages, home, pins);
        var progress = ThrottledProgress<RuntimeInstallProgress>(p => p.IsFinal, p => new ProgressRecord(3, "Installing the Mnist runtime", p.Status)
        {
            PercentComplete = p.Percent,
            RecordType = p.IsFinal ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
        var info = installer.Install(rid, Force, progress, Cancellation);
        WriteVerbose(info.WasPresent
            ? $"Another session installed the runtime in '{info.Path}' meanwhile."
            : $"Installed {info.FileCount} files ({info.SizeMB:N0} MB) in '{info.Path}'; every package matched its pinned SHA-512.");
        WriteObject(info);
    }

    /// <summary>An address with a scheme (http, https, file, or one the source refuses by name) rather than a PowerShell path.</summary>
    private static bool IsUrl(string value) => value.Contains("://", StringComparison.Ordinal);
}
