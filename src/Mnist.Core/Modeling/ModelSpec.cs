namespace Mnist.Core.Modeling;

public enum Architecture { Mlp, Cnn }

public enum OptimizerKind { Adam, AdamW, Sgd, RmsProp }

public enum Activation { Relu, Tanh, Sigmoid, Gelu, Elu, LeakyRelu }

public enum LearningRateSchedule { Constant, Step, Cosine }

/// <summary>Everything needed to build a model again: architecture and hyperparameters.</summary>
public sealed record ModelSpec
{
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>Units of each hidden dense layer (MLP); the notebook's model has one of 512.</summary>
    public int[] HiddenUnits { get; init; } = { 512 };

    /// <summary>Dropout after each hidden layer: one rate for all, or one per layer.</summary>
    public double[] Dropout { get; init; } = { 0.2 };

    public Activation Activation { get; init; } = Activation.Relu;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 0.001;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 0.0;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>For the step schedule: every StepSize epochs the rate is multiplied by StepGamma.</summary>
    public int StepSize { get; init; } = 1;
    public double StepGamma { get; init; } = 0.5;

    public int InputRows { get; init; } = 28;
    public int InputColumns { get; init; } = 28;
    public int Classes { get; init; } = 10;
    public long Seed { get; init; }

    /// <summary>
    /// The notebook's model, or for the CNN the classic two-conv network with dropout 0.25 and 0.5,
    /// trained under a cosine schedule.
    /// </summary>
    public static ModelSpec DefaultFor(Architecture architecture) => architecture == Architecture.Cnn
        ? new ModelSpec
        {
            Architecture = Architecture.Cnn, HiddenUnits = new[] { 128 }, Dropout = new[] { 0.25, 0.5 }, Schedule = LearningRateSchedule.Cosine,
            LearningRate = 0.002,
        }
        : new ModelSpec();

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
        if (HiddenUnits is null) throw Invalid("HiddenUnits", "it is missing");
        if (Dropout is null) throw Invalid("Dropout", "it is missing");
        if (Architecture == Architecture.Mlp && (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u <= 0)))
            throw Invalid("HiddenUnits", "every hidden layer needs at least one unit");
        if (HiddenUnits.Length > InputLimits.MaxHiddenLayers || HiddenUnits.Any(u => u > InputLimits.MaxHiddenUnits))
            throw Invalid("HiddenUnits", $"at most {InputLimits.MaxHiddenLayers} layers of at most {InputLimits.MaxHiddenUnits} units");
        if (Dropout.Any(d => double.IsNaN(d) || d < 0 || d >= 1))
            throw Invalid("Dropout", "dropout rates must be in [0, 1)");
        int dropoutLayers = Architecture == Architecture.Mlp ? HiddenUnits.Length : 2;
        if (Dropout.Length > 1 && Dropout.Length != dropoutLayers)
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
        if (Classes < 2) throw Invalid("Classes", "at least two classes are needed");
        if (Classes > InputLimits.MaxClasses) throw Invalid("Classes", $"at most {InputLimits.MaxClasses} classes, not {Classes}");
        int minimumSide = Architecture == Architecture.Cnn ? 6 : 1;
        if (InputRows < minimumSide || InputColumns < minimumSide || InputRows > InputLimits.MaxInputSide || InputColumns > InputLimits.MaxInputSide)
            throw Invalid("InputRows", $"images of {InputRows}x{InputColumns}; each side must be {minimumSide} to {InputLimits.MaxInputSide}");
        if (Seed < 0) throw Invalid("Seed", $"a seed is 0 or more, not {Seed}");
        if (CountParameters() is long parameters && parameters > InputLimits.MaxModelParameters)
            throw Invalid("HiddenUnits", $"the model would have {parameters:N0} parameters; the limit is {InputLimits.MaxModelParameters:N0}");
    }

    /// <summary>The trainable parameters the spec builds (null for an architecture not counted here).</summary>
    public long? CountParameters()
    {
        long Dense(long inputs, long units) => inputs * units + units;
        long inputs = (long)InputRows * InputColumns;
        switch (Architecture)
        {
            case Architecture.Mlp:
                long total = 0;
                foreach (var units in HiddenUnits)
                {
                    total += Dense(inputs, units);
                    inputs = units;
                }
                return total + Dense(inputs, Classes);
            case Architecture.Cnn:
                long flat = (long)((InputRows - 4) / 2) * ((InputColumns - 4) / 2) * 64;
                return (1 * 9 * 32 + 32) + (32 * 9 * 64 + 64) + Dense(flat, 128) + Dense(128, Classes);
            default:
                return null;
        }
    }

    private static MnistException Invalid(string parameter, string message) =>
        new("InvalidModelSpec", MnistErrorKind.InvalidArgument, $"{parameter}: {message}.", parameter);
}
