using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Joins datasets with the same class names and image shape into one: piped datasets first, then those of -Dataset.
/// Training on the result holds out validation images from every part (see the Trainer), not only from the last.
/// </summary>
[Cmdlet(VerbsCommon.Join, "MnistData")]
[OutputType(typeof(MnistDataset))]
public sealed class JoinMnistDataCommand : MnistCmdlet
{
    private readonly List<MnistDataset> _datasets = new();

    /// <summary>Datasets from the pipeline; they come before those of -Dataset.</summary>
    [Parameter(ValueFromPipeline = true)]
    public MnistDataset? InputObject { get; set; }

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public MnistDataset[] Dataset { get; set; } = Array.Empty<MnistDataset>();

    /// <summary>The joined dataset's name; by default the parts' names joined with '+'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessOne()
    {
        if (InputObject is not null) _datasets.Add(InputObject);
    }

    protected override void EndOfInput()
    {
        var joined = DatasetJoin.Join(_datasets.Concat(Dataset).ToArray(), Name);
        WriteVerbose($"Joined {string.Join(", ", joined.Parts.Select(p => p.ToString()))} into '{joined.Name}'.");
        WriteObject(joined);
    }
}
