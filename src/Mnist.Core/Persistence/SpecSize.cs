using Mnist.Core.Modeling;

namespace Mnist.Core.Persistence;

/// <summary>
/// A spec read from a file chooses how much the network allocates: before building it, check that it describes a
/// network within <see cref="InputLimits"/> and that its weights could fit in the bytes the file holds.
/// </summary>
internal static class SpecSize
{
    public static void Check(ModelSpec spec, long availableBytes, string weightsFile, string specFile, object target)
    {
        if (spec.InputRows is < 1 or > InputLimits.MaxInputSide || spec.InputColumns is < 1 or > InputLimits.MaxInputSide)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{specFile}': the input shape {spec.InputRows}x{spec.InputColumns} is not an image size (each side 1 to {InputLimits.MaxInputSide}).", target);
        if (spec.HiddenUnits is null || spec.Dropout is null) return; // building the model refuses these, in the format's own words
        long parameters;
        try
        {
            // What the spec says it is: a preset's own layers from its settings, or the layer list of a custom network.
            parameters = (spec with { Layers = spec.Architecture == Architecture.Custom ? spec.Layers : null }).Describe().Parameters;
        }
        catch (MnistException e) when (e.ErrorId == Modeling.Layers.NetworkDescription.TooLarge)
        {
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{weightsFile}' is too small for the architecture in '{specFile}': {e.Message}", target, e);
        }
        catch (Exception e) when (e is MnistException or ArgumentException)
        {
            return; // an impossible spec: building the model refuses it, in the format's own words
        }
        if ((double)parameters * sizeof(float) > availableBytes + (1 << 20))
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{weightsFile}' is too small for the architecture in '{specFile}' ({parameters:N0} parameters).", target);
    }
}
