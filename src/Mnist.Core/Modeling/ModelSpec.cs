using Mnist.Core.Modeling.Layers;

namespace Mnist.Core.Modeling;

/// <summary>The presets, and Custom: a network given layer by layer.</summary>
public enum Architecture { Mlp, Cnn, FastCnn, Custom }

public enum OptimizerKind { Adam, AdamW, Sgd, RmsProp }

public enum Activation { Relu, Tanh, Sigmoid, Gelu, Elu, LeakyRelu }

/// <summary>
/// How the learning rate moves: Step and Cosine per epoch; OneCycle per batch (PyTorch's OneCycleLR without momentum
/// cycling: up from a 25th of the rate to the rate over the first 30% of the plan, then down to a 10,000th of the start).
/// </summary>
public enum LearningRateSchedule { Constant, Step, Cosine, OneCycle }

/// <summary>Everything needed to build a model again: architecture and hyperparameters.</summary>
public sealed record ModelSpec
{
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>
    /// The network in Keras' words, one layer a string: given for a Custom model; a preset's are filled in from its
    /// settings when a model is made, so a model file holds the network it runs. When present they are the network.
    /// </summary>
    public string[]? Layers { get; init; }

    /// <summary>Units of each hidden dense layer (MLP); the notebook's model has one of 512.</summary>
    public int[] HiddenUnits { get; init; } = { 512 };

    /// <summary>Dropout after each hidden layer: one rate for all, or one per layer.</summary>
    public double[] Dropout { get; init; } = { 0.2 };

    public Activation Activation { get; init; } = Activation.Relu;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 0.001;
    public double Momentum { get; init; } = 0.9;

    /// <summary>Adam's and AdamW's decay rates of the gradient's running mean and of its square.</summary>
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double WeightDecay { get; init; } = 0.0;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>For the step schedule: every StepSize epochs the rate is multiplied by StepGamma.</summary>
    public int StepSize { get; init; } = 1;

    /// <summary>The mini-batch size a training uses when it is not given one.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// Whether a training augments its batches (-Augment's default ranges) when it is not told either way: the
    /// CNN's default, which reaches 99.2% in 3 epochs only with it.
    /// </summary>
    public bool Augment { get; init; }
    public double StepGamma { get; init; } = 0.5;

    public int InputRows { get; init; } = 28;
    public int InputColumns { get; init; } = 28;
    public int Classes { get; init; } = 10;
    public long Seed { get; init; }

    /// <summary>
    /// Each architecture with its own training defaults: the notebook's model (Adam 0.001, batch 128); the classic
    /// two-conv CNN with dropout 0.25 and 0.5, trained with Adam at 0.003 through one cycle, batch 64 and augmented
    /// batches (measured best of the recipes tried for 3 epochs; bench/cnn.ps1); and FastCnn, a small CNN made for speed (conv 24 5x5,
    /// conv 32 3x3, dense 256, inputs normalised inside the model), trained with Adam at 0.01, betas 0.7 and 0.9, a
    /// one-cycle schedule and batch 256.
    /// </summary>
    public static ModelSpec DefaultFor(Architecture architecture) => architecture switch
    {
        Architecture.Cnn => new ModelSpec
        {
            Architecture = Architecture.Cnn, HiddenUnits = new[] { 128 }, Dropout = new[] { 0.25, 0.5 }, Schedule = LearningRateSchedule.OneCycle,
            LearningRate = 0.003, BatchSize = 64, Augment = true,
        },
        Architecture.FastCnn => new ModelSpec
        {
            Architecture = Architecture.FastCnn, HiddenUnits = new[] { 256 }, Dropout = Array.Empty<double>(),
            LearningRate = 0.01, Beta1 = 0.7, Beta2 = 0.9, Schedule = LearningRateSchedule.OneCycle, BatchSize = 256,
        },
        Architecture.Custom => new ModelSpec { Architecture = Architecture.Custom },
        _ => new ModelSpec(),
    };

    /// <summary>FastCnn's input normalisation (MNIST's mean and standard deviation), applied inside the model.</summary>
    public const double InputMean = 0.1307, InputStd = 0.3081;

    /// <summary>The network this spec builds, resolved against its input and classes (checked as it is resolved).</summary>
    public NetworkDescription Describe() => Layers is not null
        ? NetworkDescription.Parse(InputRows, InputColumns, Classes, Layers)
        : NetworkDescription.Resolve(InputRows, InputColumns, Classes, Presets.For(this));

    /// <summary>The same spec with its layer list written out (a preset's from its settings).</summary>
    public ModelSpec WithLayers() => Layers is not null ? this : this with { Layers = Describe().Texts.ToArray() };

    public double DropoutFor(int layer) => Dropout.Length == 0 ? 0 : Dropout.Length == 1 ? Dropout[0] : Dropout[layer];

    /// <summary>
    /// Throws a <see cref="MnistException"/> naming the first value out of range. It checks every field (a spec may
    /// come from a model file: nulls, undefined enum values, NaN and absurd sizes included) and the parameter count
    /// before anything is built, so no spec can make the module allocate beyond <see cref="InputLimits"/>.
    /// </summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture)) throw Invalid("Architecture", $"{(int)Architecture} is not an architecture");
        if (!Enum.IsDefined(Activation)) throw Invalid("Activation", $"{(int)Activation} is not an activation");
        if (!Enum.IsDefined(Optimizer)) throw Invalid("Optimizer", $"{(int)Optimizer} is not an optimizer");
        if (!Enum.IsDefined(Schedule)) throw Invalid("Schedule", $"{(int)Schedule} is not a learning-rate schedule");
        if (Architecture == Architecture.Custom && Layers is null) throw Invalid("Layers", "a Custom model is built from a layer list, and none was given");
        if (Layers is not null && (Layers.Length > InputLimits.MaxLayers || Layers.Any(l => l is null)))
            throw Invalid("Layers", $"give 1 to {InputLimits.MaxLayers} layers, none of them empty");
        if (HiddenUnits is null) throw Invalid("HiddenUnits", "it is missing");
        if (Dropout is null) throw Invalid("Dropout", "it is missing");
        if (Architecture is Architecture.Mlp or Architecture.FastCnn && (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u <= 0)))
            throw Invalid("HiddenUnits", "every hidden layer needs at least one unit");
        if (HiddenUnits.Length > InputLimits.MaxHiddenLayers || HiddenUnits.Any(u => u > InputLimits.MaxHiddenUnits))
            throw Invalid("HiddenUnits", $"at most {InputLimits.MaxHiddenLayers} layers of at most {InputLimits.MaxHiddenUnits} units");
        if (Dropout.Any(d => double.IsNaN(d) || d < 0 || d >= 1))
            throw Invalid("Dropout", "dropout rates must be in [0, 1)");
        int dropoutLayers = Architecture switch { Architecture.Mlp => HiddenUnits.Length, Architecture.Cnn => 2, _ => 1 };
        if (Architecture != Architecture.Custom && Dropout.Length > 1 && Dropout.Length != dropoutLayers)
            throw Invalid("Dropout", $"give one rate, or one per dropout layer ({dropoutLayers})");
        if (double.IsNaN(LearningRate) || double.IsInfinity(LearningRate) || LearningRate <= 0)
            throw Invalid("LearningRate", $"the learning rate must be a positive number, not {LearningRate}");
        if (!double.IsFinite(Momentum) || Momentum < 0 || Momentum >= 1)
            throw Invalid("Momentum", $"the momentum must be in [0, 1), not {Momentum}");
        if (!double.IsFinite(WeightDecay) || WeightDecay < 0 || WeightDecay > 1)
            throw Invalid("WeightDecay", $"the weight decay must be in [0, 1], not {WeightDecay}");
        if (StepSize < 1) throw Invalid("StepSize", $"the step size must be 1 or more, not {StepSize}");
        if (!double.IsFinite(StepGamma) || StepGamma <= 0 || StepGamma > 1)
            throw Invalid("StepGamma", $"the step factor must be in (0, 1], not {StepGamma}");
        if (double.IsNaN(Beta1) || Beta1 < 0 || Beta1 >= 1) throw Invalid("Beta1", $"must be in [0, 1), not {Beta1}");
        if (double.IsNaN(Beta2) || Beta2 < 0 || Beta2 >= 1) throw Invalid("Beta2", $"must be in [0, 1), not {Beta2}");
        if (BatchSize < 1) throw Invalid("BatchSize", $"must be at least 1, not {BatchSize}");
        if (Classes < 2) throw Invalid("Classes", "at least two classes are needed");
        if (Classes > InputLimits.MaxClasses) throw Invalid("Classes", $"at most {InputLimits.MaxClasses} classes, not {Classes}");
        int minimumSide = Architecture switch { Architecture.Cnn => 6, Architecture.FastCnn => 12, _ => 1 };
        if (InputRows < minimumSide || InputColumns < minimumSide || InputRows > InputLimits.MaxInputSide || InputColumns > InputLimits.MaxInputSide)
            throw Invalid("InputRows", $"images of {InputRows}x{InputColumns}; each side must be {minimumSide} to {InputLimits.MaxInputSide}");
        if (Seed < 0) throw Invalid("Seed", $"a seed is 0 or more, not {Seed}");
        NetworkDescription description;
        try
        {
            description = (this with { Layers = Architecture == Architecture.Custom ? Layers : null }).Describe();
        }
        catch (MnistException e) when (Architecture != Architecture.Custom)
        {
            // A preset's settings made a network that does not fit: say so in the settings' terms.
            throw Invalid("HiddenUnits", e.Message.TrimEnd('.'));
        }
        // A preset's layers, written out, must be the preset's: a file cannot say one network and build another.
        if (Architecture != Architecture.Custom && Layers is not null && !description.Texts.SequenceEqual(Layers) && !SameNetwork(description, Layers))
            throw Invalid("Layers", $"they are not the {Architecture} layers of its settings ({string.Join(", ", description.Texts)})");
        if (description.Parameters > InputLimits.MaxModelParameters)
            throw Invalid("HiddenUnits", $"the model would have {description.Parameters:N0} parameters; the limit is {InputLimits.MaxModelParameters:N0}");
    }

    /// <summary>
    /// Whether written-out layers build the described network, their initialisers aside: those only decide the
    /// first weights, so a FastCnn file written before its dense layers started as PyTorch's still loads.
    /// </summary>
    private bool SameNetwork(NetworkDescription description, string[] layers)
    {
        try
        {
            var written = NetworkDescription.Parse(InputRows, InputColumns, Classes, layers).Layers;
            return written.Count == description.Layers.Count && written.Zip(description.Layers).All(pair =>
                pair.First.Definition with { Initializer = WeightInitializer.GlorotUniform } == pair.Second.Definition with { Initializer = WeightInitializer.GlorotUniform });
        }
        catch (MnistException)
        {
            return false;
        }
    }

    /// <summary>The parameters the spec builds, batch normalisation's moving statistics included.</summary>
    public long? CountParameters() => Describe().Parameters;

    private static MnistException Invalid(string parameter, string message) =>
        new("InvalidModelSpec", MnistErrorKind.InvalidArgument, $"{parameter}: {message}.", parameter);
}
