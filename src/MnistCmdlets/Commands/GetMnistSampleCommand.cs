using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;

namespace Mnist.Cmdlets.Commands;

/// <summary>x_train[i], y_train[i]: samples of a split by index, by label or at random.</summary>
[Cmdlet(VerbsCommon.Get, "MnistSample", DefaultParameterSetName = "Index")]
[OutputType(typeof(MnistSample))]
public sealed class GetMnistSampleCommand : MnistCmdlet
{
    /// <summary>A dataset from Import-MnistData (its -Split is used) or one split.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object Data { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Train", "Test", IgnoreCase = true)]
    public string Split { get; set; } = "Train";

    [Parameter(Position = 0, ParameterSetName = "Index", ValueFromPipelineByPropertyName = true)]
    [IntegerRanges]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, int.MaxValue)]
    public int[] Index { get; set; } = { 0 };

    /// <summary>Only samples of these classes (the first -Count of each, or -Count drawn at random with -Random).</summary>
    [Parameter(ParameterSetName = "Pick")]
    [IntegerRanges]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Label { get; set; }

    [Parameter(ParameterSetName = "Pick")]
    public SwitchParameter Random { get; set; }

    /// <summary>How many samples: per label with -Label, else in all (the first ones, or drawn with -Random).</summary>
    [Parameter(ParameterSetName = "Pick")]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter(ParameterSetName = "Pick")]
    public int? Seed { get; set; }

    protected override void ProcessOne()
    {
        var split = ResolveSplit();
        var samples = ParameterSetName == "Index" ? SampleSelector.ByIndex(split, Index) : Pick(split);
        foreach (var sample in samples) WriteObject(sample);
    }

    private IEnumerable<MnistSample> Pick(MnistSplit split)
    {
        if (Seed is not null && !Random)
            throw new MnistException("SeedWithoutRandom", MnistErrorKind.InvalidArgument,
                "-Seed only makes sense with -Random, which it makes repeatable.", "Seed");
        var random = Random ? NewRandom() : null;
        if (Label is { } labels) return SampleSelector.ByLabel(split, labels, Count, random);
        return random is null ? SampleSelector.First(split, Count) : SampleSelector.Randomly(split, Count, random);
    }

    private System.Random NewRandom() => Seed is int seed ? new System.Random(seed) : new System.Random();

    private MnistSplit ResolveSplit() =>
        DataArgument.ToSplit(Data, MyInvocation.BoundParameters.ContainsKey(nameof(Split)) ? Split : null, defaultSplit: "Train");
}
