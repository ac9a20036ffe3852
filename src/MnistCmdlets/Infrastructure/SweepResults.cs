using System.Collections;
using System.Management.Automation;
using Mnist.Core.Persistence;
using Mnist.Core.Sweeps;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>What Invoke-MnistSweep and Get-MnistSweep output of a sweep's rows, and the best model they keep.</summary>
internal static class SweepResults
{
    /// <summary>The row, with each swept parameter also a property of its own (for Sort-Object, Group-Object, Where-Object).</summary>
    public static PSObject ToPSObject(SweepTrial row)
    {
        var wrapped = PSObject.AsPSObject(row);
        foreach (DictionaryEntry setting in row.Settings)
        {
            var name = setting.Key.ToString()!;
            if (wrapped.Properties[name] is null) wrapped.Properties.Add(new PSNoteProperty(name, setting.Value));
        }
        return wrapped;
    }

    /// <summary>Copies the best trial's model to the sweep folder's best.model; its path, or null when no trial has a result.</summary>
    public static string? KeepBest(IReadOnlyList<SweepTrial> rows, string bestPath)
    {
        var best = rows.FirstOrDefault(r => r.Rank == 1 && r.ModelPath is not null);
        if (best is null) return null;
        AtomicFile.Write(bestPath, target =>
        {
            using var source = InputFile.OpenRead(best.ModelPath!);
            source.CopyTo(target);
        }, overwrite: true);
        return bestPath;
    }
}
