using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Mnist.Core.Modeling;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// The model of the last training that did not finish (Ctrl+C, Stop(), an error), per runspace: PowerShell lets no
/// output through a stopped pipeline, so Get-MnistStoppedModel hands it back afterwards.
/// </summary>
internal static class StoppedTrainings
{
    private static readonly ConditionalWeakTable<Runspace, Entry> Models = new();

    public static void Keep(MnistModel model)
    {
        if (Runspace.DefaultRunspace is { } runspace) Models.AddOrUpdate(runspace, new Entry(model));
    }

    public static MnistModel? Last() =>
        Runspace.DefaultRunspace is { } runspace && Models.TryGetValue(runspace, out var entry) ? entry.Model : null;

    public static void Forget()
    {
        if (Runspace.DefaultRunspace is { } runspace) Models.Remove(runspace);
    }

    private sealed record Entry(MnistModel Model);
}
