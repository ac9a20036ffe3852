using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;

namespace Mnist.Cmdlets.Commands;

/// <summary>Saves a model (weights, training state and metadata) to one file, atomically.</summary>
[Cmdlet(VerbsData.Export, "MnistModel", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(MnistModel))]
public sealed class ExportMnistModelCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public MnistModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The file, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the model after saving it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessOne()
    {
        var path = PathResolution.Output(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath");
        if (ShouldProcess(path, "Export the model"))
        {
            ModelFile.Save(Model, path, overwrite: Force);
            WriteVerbose($"Saved the model to '{path}'.");
        }
        if (PassThru) WriteObject(Model);
    }
}
