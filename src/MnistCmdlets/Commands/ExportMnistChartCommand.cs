using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core.Rendering.Charts;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Writes a chart to a PNG or SVG file: a grid of samples or predictions, a model's training history, or a
/// confusion matrix. Collects its input and writes one file when it has all of it.
/// </summary>
[Cmdlet(VerbsData.Export, "MnistChart", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(FileInfo))]
public sealed class ExportMnistChartCommand : MnistCmdlet
{
    private readonly List<object> _items = new();

    /// <summary>The file to write; .png or .svg.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The file, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Samples or predictions (a grid), a model (its history) or an evaluation (its confusion matrix).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    [Parameter]
    public ChartKind Kind { get; set; }

    [Parameter]
    [ValidateRange(1, 100)]
    public int Columns { get; set; }

    [Parameter]
    [ValidateRange(100, 8000)]
    public int Width { get; set; }

    [Parameter]
    [ValidateRange(100, 8000)]
    public int Height { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessOne()
    {
        foreach (var item in InputObject)
            _items.Add(DataArgument.Unwrap(item)!);
    }

    protected override void EndOfInput()
    {
        var plan = ChartPlan.For(_items, Bound(nameof(Kind)) ? Kind : null, Bound(nameof(Columns)) ? Columns : null,
            Bound(nameof(Width)) ? Width : null, Bound(nameof(Height)) ? Height : null);
        var path = PathResolution.Output(this, ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath");
        ChartFormats.FromPath(path);
        if (!ShouldProcess(path, $"Write {plan.Description}")) return;
        plan.Write(path, Force);
        if (PassThru) WriteObject(new FileInfo(path));
    }

    private bool Bound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);
}
