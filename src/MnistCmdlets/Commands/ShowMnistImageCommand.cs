using System.Management.Automation;
using System.Management.Automation.Host;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Rendering;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Draws samples and predictions in the terminal, side by side with a title under each. Collects its input and
/// draws when it has all of it; emits the lines as strings.
/// </summary>
[Cmdlet(VerbsCommon.Show, "MnistImage", DefaultParameterSetName = "Auto")]
[OutputType(typeof(string))]
public sealed class ShowMnistImageCommand : MnistCmdlet
{
    public const int DefaultColumns = 3;
    private readonly List<ImageTile> _tiles = new();

    /// <summary>Samples (Get-MnistSample) or predictions (Get-MnistPrediction).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public object[] InputObject { get; set; } = Array.Empty<object>();

    [Parameter]
    [ValidateRange(1, 100)]
    public int Columns { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Ascii")]
    public SwitchParameter Ascii { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Color")]
    public SwitchParameter Color { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Numbers")]
    public SwitchParameter Numbers { get; set; }

    protected override void ProcessOne()
    {
        foreach (var item in InputObject)
        {
            try
            {
                _tiles.Add(ImageTile.From(DataArgument.Unwrap(item)!));
            }
            catch (MnistException e)
            {
                WriteMnistError(e);
            }
        }
    }

    protected override void EndOfInput()
    {
        if (_tiles.Count == 0) return;
        var style = ChooseStyle();
        int columns = MyInvocation.BoundParameters.ContainsKey(nameof(Columns)) ? Columns
            : WindowWidth() is int width ? Math.Min(DefaultColumns, TerminalRenderer.ColumnsThatFit(width, _tiles[0].Columns, style))
            : DefaultColumns;
        foreach (var line in TerminalRenderer.Render(_tiles, style, columns))
            WriteObject(line);
    }

    // Plain characters when asked, when NO_COLOR is set (https://no-color.org) or when the host cannot show
    // escape sequences; half blocks in 24-bit grey otherwise.
    private TerminalStyle ChooseStyle() => ParameterSetName switch
    {
        "Ascii" => TerminalStyle.Ascii,
        "Numbers" => TerminalStyle.Numbers,
        "Color" => TerminalStyle.HalfBlock,
        _ when !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) => TerminalStyle.Ascii,
        _ when !Host.UI.SupportsVirtualTerminal => TerminalStyle.Ascii,
        _ => TerminalStyle.HalfBlock,
    };

    /// <summary>The width of the terminal the lines go to; none when they go to a file or another program.</summary>
    private int? WindowWidth()
    {
        if (Console.IsOutputRedirected) return null;
        try
        {
            int width = Host.UI.RawUI.WindowSize.Width;
            return width > 0 ? width : null;
        }
        catch (Exception e) when (e is NotImplementedException or HostException or IOException or PSNotImplementedException)
        {
            return null;
        }
    }
}
