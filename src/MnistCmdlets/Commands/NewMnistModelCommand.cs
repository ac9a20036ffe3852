using System.Collections;
using System.Management.Automation;
using Mnist.Cmdlets.Infrastructure;
using Mnist.Core;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Modeling.Layers;

namespace Mnist.Cmdlets.Commands;

/// <summary>
/// Builds and compiles a model: by default the notebook's Dense(512)-ReLU-Dropout(0.2)-Dense(10)-softmax with Adam;
/// an -Architecture preset; or any network given layer by layer in Keras' words (-Layers).
/// </summary>
[Cmdlet(VerbsCommon.New, "MnistModel", DefaultParameterSetName = ArchitectureSet)]
[OutputType(typeof(MnistModel))]
public sealed class NewMnistModelCommand : MnistCmdlet
{
    private const string ArchitectureSet = "Architecture", LayersSet = "Layers";

    [Parameter(Position = 0, ParameterSetName = ArchitectureSet)]
    public Architecture Architecture { get; set; } = Architecture.Mlp;

    /// <summary>
    /// The network layer by layer, in Keras' words: strings such as 'Conv2D(32, 3, activation=relu)', hashtables
    /// (@{ Type = 'Dense'; Units = 128; Activation = 'relu' }), or a model's own Layers.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = LayersSet)]
    [ValidateCount(1, InputLimits.MaxLayers)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public object[] Layers { get; set; } = Array.Empty<object>();

    [Parameter(ParameterSetName = ArchitectureSet)]
    [ValidateCount(1, 16)]
    [ValidateRange(1, 65536)]
    public int[]? HiddenUnits { get; set; }

    [Parameter(ParameterSetName = ArchitectureSet)]
    [ValidateCount(1, 16)]
    [ValidateRange(0.0, 0.95)]
    public double[]? Dropout { get; set; }

    [Parameter(ParameterSetName = ArchitectureSet)]
    public Activation Activation { get; set; } = Activation.Relu;

    /// <summary>The architecture's own unless given (Adam for all three).</summary>
    [Parameter]
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>The architecture's own unless given: 0.001 (MLP), 0.003 (CNN), 0.01 (FastCnn).</summary>
    [Parameter]
    [ValidateRange(1e-8, 10.0)]
    public double LearningRate { get; set; } = 0.001;

    /// <summary>Adam's and AdamW's two decay rates; the architecture's own unless given: 0.9, 0.999 (0.7, 0.9 for FastCnn).</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(0.0, 0.9999)]
    public double[]? Betas { get; set; }

    /// <summary>The batch size a training uses when not given one; the architecture's own unless given: 128 (64 for the CNN, 256 for FastCnn).</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int? BatchSize { get; set; }

    [Parameter]
    [ValidateRange(0.0, 0.999)]
    public double Momentum { get; set; } = 0.9;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double WeightDecay { get; set; }

    /// <summary>Constant for an MLP, cosine for the CNN and one-cycle for FastCnn unless given.</summary>
    [Parameter]
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int StepSize { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.0001, 1.0)]
    public double StepGamma { get; set; } = 0.5;

    [Parameter]
    [ValidateRange(2, 1000)]
    public int Classes { get; set; } = 10;

    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? Seed { get; set; }

    /// <summary>What the outputs mean, in label order, or a known dataset's name; by default the data's class names at the first training.</summary>
    [Parameter]
    [ValidateCount(1, 1000)]
    [ArgumentCompleter(typeof(ClassNamesCompleter))]
    public string[]? ClassNames { get; set; }

    /// <summary>A name for tables and evaluations; by default the architecture, hidden layers and seed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessOne()
    {
        var layers = ParameterSetName == LayersSet ? LayerTexts(Layers) : null;
        var defaults = layers is null ? ModelSpec.DefaultFor(Architecture) : new ModelSpec { Architecture = Architecture.Custom, Layers = layers };
        var classNames = DatasetCatalog.ResolveClassNames(ClassNames);
        var spec = defaults with
        {
            HiddenUnits = HiddenUnits ?? defaults.HiddenUnits,
            Dropout = Dropout ?? defaults.Dropout,
            Activation = Activation,
            Optimizer = MyInvocation.BoundParameters.ContainsKey(nameof(Optimizer)) ? Optimizer : defaults.Optimizer,
            LearningRate = MyInvocation.BoundParameters.ContainsKey(nameof(LearningRate)) ? LearningRate : defaults.LearningRate,
            Beta1 = Betas?[0] ?? defaults.Beta1,
            Beta2 = Betas?[1] ?? defaults.Beta2,
            BatchSize = BatchSize ?? defaults.BatchSize,
            Momentum = Momentum,
            WeightDecay = WeightDecay,
            Schedule = MyInvocation.BoundParameters.ContainsKey(nameof(Schedule)) ? Schedule : defaults.Schedule,
            StepSize = StepSize,
            StepGamma = StepGamma,
            Classes = classNames is not null && !MyInvocation.BoundParameters.ContainsKey(nameof(Classes)) ? classNames.Count : Classes,
            Seed = Seed ?? Random.Shared.NextInt64(0, int.MaxValue),
        };
        WriteObject(new MnistModel(spec, classNames, Name));
    }

    /// <summary>Each layer as its Keras text, read (and so checked) one by one in order.</summary>
    internal static string[] LayerTexts(object[] layers) => layers.Select((item, i) => (item is PSObject wrapped ? wrapped.BaseObject : item) switch
    {
        string text => LayerParser.Parse(text, i + 1),
        LayerInfo row when row.Definition is { } definition => LayerParser.Parse(definition, i + 1),
        IDictionary values => LayerParser.FromValues(Unwrapped(values), i + 1),
        var other => throw new MnistException(LayerParser.InvalidLayer, MnistErrorKind.InvalidArgument,
            $"Layer {i + 1}: a {other?.GetType().Name ?? "null"} is not a layer; give its Keras text or its named values.", other),
    }).Select(definition => definition.ToString()).ToArray();

    private static Hashtable Unwrapped(IDictionary values)
    {
        var plain = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in values)
            plain[entry.Key] = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value is object[] items
                ? items.Select(x => x is PSObject p ? p.BaseObject : x).ToArray() : entry.Value;
        return plain;
    }
}
