using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Sweeps;

namespace Mnist.Cmdlets.Commands;

/// <summary>The rows of a sweep folder, best first: of a finished sweep, or of one still running (without taking its lock).</summary>
[Cmdlet(VerbsCommon.Get, "MnistSweep", DefaultParameterSetName = "Path")]
[OutputType(typeof(SweepTrial))]
public sealed class GetMnistSweepCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The sweep's folder, taken exactly as written; folders from Get-Item or Get-ChildItem bind here by their PSPath.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    protected override void ProcessOne()
    {
        var folder = PathResolution.SingleInput(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath",
            path => new Mnist.Core.MnistException("SweepNotFound", Mnist.Core.MnistErrorKind.NotFound, $"No folder matches '{path}'.", path));
        foreach (var row in SweepFolder.ReadTrials(folder))
            WriteObject(SweepResults.ToPSObject(row));
    }
}
