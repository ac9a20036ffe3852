using Mnist.Core.Modeling;

namespace Mnist.Core.Persistence;

/// <summary>
/// A spec read from a file chooses how much the network allocates: before building it, check that it describes a
/// network within <see cref="InputLimits"/> and that its weights could fit in the bytes the file holds.
/// </summary>
internal static class SpecSize
{
    /// <summary>Names, headers and metadata beside the weights.</summary>
    public const long Slack = 1 << 20;

    public static void Check(ModelSpec spec, long availableBytes, string weightsFile, string specFile, object target)
    {
        if (spec.InputRows is < 1 or > InputLimits.MaxInputSide || spec.InputColumns is < 1 or > InputLimits.MaxInputSide)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{specFile}': the input shape {spec.InputRows}x{spec.InputColumns} is not an image size (each side 1 to {InputLimits.MaxInputSide}).", target);
        long parameters;
        try
        {
            if (Parameters(spec) is not long count) return; // an impossible spec: building the model refuses it, in the format's own words
            parameters = count;
        }
        catch (MnistException e) when (e.ErrorId == Modeling.Layers.NetworkDescription.TooLarge)
        {
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{weightsFile}' is too small for the architecture in '{specFile}': {e.Message}", target, e);
        }
        if ((double)parameters * sizeof(float) > availableBytes + Slack)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{weightsFile}' is too small for the architecture in '{specFile}' ({parameters:N0} parameters).", target);
    }

    /// <summary>The bytes the spec's weights take as float32, or null for a spec that describes no network (or one past the limits).</summary>
    public static long? WeightBytes(ModelSpec spec)
    {
        try
        {
            return Parameters(spec) * sizeof(float);
        }
        catch (MnistException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the spec says it is: a preset's own layers from its settings, or the layer list of a custom network; null
    /// for a spec that cannot be described. Throws <see cref="Modeling.Layers.NetworkDescription.TooLarge"/> past the limits.
    /// </summary>
    private static long? Parameters(ModelSpec spec)
    {
        if (spec.HiddenUnits is null || spec.Dropout is null) return null;
        try
        {
            return (spec with { Layers = spec.Architecture == Architecture.Custom ? spec.Layers : null }).Describe().Parameters;
        }
        catch (MnistException e) when (e.ErrorId == Modeling.Layers.NetworkDescription.TooLarge)
        {
            throw;
        }
        catch (Exception e) when (e is MnistException or ArgumentException)
        {
            return null;
        }
    }
}
