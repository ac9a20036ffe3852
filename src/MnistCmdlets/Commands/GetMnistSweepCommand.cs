using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Sweeps;

namespace Mnist.Cmdlets.Commands;

/// <summary>The rows of a sweep folder, best first: of a finished sweep, or of one still running (without taking its lock).</summary>
[Cmdlet(VerbsCommon.Get, "MnistSweep")]
[OutputType(typeof(SweepTrial))]
public sealed class GetMnistSweepCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessOne()
    {
        foreach (var row in SweepFolder.ReadTrials(ResolvePath(Path)))
            WriteObject(SweepResults.ToPSObject(row));
    }
}
