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
[Cmdlet(VerbsData.Import, "MnistModel")]
[OutputType(typeof(MnistModel))]
public sealed class ImportMnistModelCommand : MnistCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessOne()
    {
        foreach (var path in Path)
        {
            try
            {
                WriteObject(ModelFormats.Load(ResolvePath(path)));
            }
            catch (MnistException e)
            {
                WriteMnistError(e);
            }
        }
    }
}
