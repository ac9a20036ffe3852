using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// The model of the last Invoke-MnistTraining in this session that did not finish (stopped by Ctrl+C or Stop(), or
/// failed), as after its last completed epoch: what a stopped pipeline could not output.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MnistStoppedModel")]
[OutputType(typeof(MnistModel))]
public sealed class GetMnistStoppedModelCommand : MnistCmdlet
{
    /// <summary>Forget the model after returning it (a later call returns nothing until another training stops).</summary>
    [Parameter]
    public SwitchParameter Clear { get; set; }

    protected override void ProcessOne()
    {
        var model = StoppedTrainings.Last();
        if (model is null)
        {
            WriteVerbose("No training has stopped before it finished in this session.");
            return;
        }
        if (Clear) StoppedTrainings.Forget();
        WriteObject(model);
    }
}
