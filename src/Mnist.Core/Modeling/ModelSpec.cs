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

    /// <summary>Adam's and AdamW's decay rates of the gradient's running mean and of its square.</summary>
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
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

    /// <summary>Throws a <see cref="MnistException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Architecture == Architecture.Mlp && (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u <= 0)))
            throw Invalid("HiddenUnits", "every hidden layer needs at least one unit");
        if (Dropout.Any(d => double.IsNaN(d) || d < 0 || d >= 1))
            throw Invalid("Dropout", "dropout rates must be in [0, 1)");
        int dropoutLayers = Architecture == Architecture.Mlp ? HiddenUnits.Length : 2;
        if (Dropout.Length > 1 && Dropout.Length != dropoutLayers)
            throw Invalid("Dropout", $"give one rate, or one per dropout layer ({dropoutLayers})");
        if (double.IsNaN(LearningRate) || double.IsInfinity(LearningRate) || LearningRate <= 0)
            throw Invalid("LearningRate", $"the learning rate must be a positive number, not {LearningRate}");
        if (double.IsNaN(Beta1) || Beta1 < 0 || Beta1 >= 1) throw Invalid("Beta1", $"must be in [0, 1), not {Beta1}");
        if (double.IsNaN(Beta2) || Beta2 < 0 || Beta2 >= 1) throw Invalid("Beta2", $"must be in [0, 1), not {Beta2}");
        if (Classes < 2) throw Invalid("Classes", "at least two classes are needed");
    }

    private static MnistException Invalid(string parameter, string message) =>
        new("InvalidModelSpec", MnistErrorKind.InvalidArgument, $"{parameter}: {message}.", parameter);
}
