using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Saves a model atomically: as the module's own file (weights, training state and metadata), as ONNX for serving,
/// or as a PyTorch state_dict with its architecture beside it. The extension chooses unless -Format says.
/// </summary>
[Cmdlet(VerbsData.Export, "MnistModel", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(MnistModel))]
public sealed class ExportMnistModelCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ModelArgument("$model | Export-MnistModel ./mnist.model")]
    public MnistModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Mnist (the default), Onnx (.onnx) or PyTorch (.pt, .pth); without it the extension decides.</summary>
    [Parameter]
    public ModelFormat? Format { get; set; }

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
        Model.ThrowIfDisposed();
        var path = PathResolution.Output(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath");
        var format = Format ?? ModelFormats.FromPath(path);
        var targets = string.Join("', '", ModelFormats.TargetsOf(path, format));
        if (ShouldProcess($"'{targets}'", $"Export the model as {format}"))
        {
            ModelFormats.Save(Model, path, format, overwrite: Force);
            WriteVerbose($"Saved the model as {format} to '{targets}'.");
        }
        if (PassThru) WriteObject(Model);
    }
}
