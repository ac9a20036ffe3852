using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Runtime;

namespace Mnist.Cmdlets.Commands;

/// <summary>What a support request needs to know about this machine and session, with the command that fixes each problem.</summary>
[Cmdlet(VerbsCommon.Get, "MnistEnvironment")]
[OutputType(typeof(MnistEnvironment))]
public sealed class GetMnistEnvironmentCommand : MnistCmdlet
{
    protected override void ProcessOne()
    {
        var module = MyInvocation.MyCommand.Module;
        var versions = SessionState.PSVariable.GetValue("PSVersionTable") as System.Collections.Hashtable;
        WriteObject(MnistEnvironment.Probe(
            module?.Version?.ToString() ?? typeof(GetMnistEnvironmentCommand).Assembly.GetName().Version?.ToString() ?? "?",
            versions?["PSVersion"]?.ToString() ?? "?",
            DataCache.Root(this),
            DataCache.CurrentFolder(this)));
    }
}
