using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Loads models saved by Export-MnistModel (the module's own files, PyTorch state_dicts with their architecture,
/// ONNX files it wrote); a bad file is reported and the others go on.
/// </summary>
[Cmdlet(VerbsData.Import, "MnistModel", DefaultParameterSetName = "Path")]
[OutputType(typeof(MnistModel))]
public sealed class ImportMnistModelCommand : MnistCmdlet
{
    /// <summary>Model files; wildcards expand (./*.mnist).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Model files taken exactly as written; PSPath and FullName bind from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessOne()
    {
        var files = PathResolution.Inputs(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath",
            path => new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"No model file matches '{path}'.", path), WriteMnistError);
        foreach (var path in files)
        {
            try
            {
                WriteObject(ModelFormats.Load(path));
            }
            catch (MnistException e)
            {
                WriteMnistError(e);
            }
        }
    }
}
