using Mnist.Core.Modeling;

namespace Mnist.Core.Persistence;

/// <summary>
/// A spec read from a file chooses how much the network allocates: before building it, check that the image size is
/// sane and that an MLP's weights could fit in the bytes the file holds.
/// </summary>
internal static class SpecSize
{
    public static void Check(ModelSpec spec, long availableBytes, string weightsFile, string specFile, object target)
    {
        if (spec.InputRows is < 1 or > 4096 || spec.InputColumns is < 1 or > 4096)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{specFile}': the input shape {spec.InputRows}x{spec.InputColumns} is not an image size.", target);
        if (spec.Architecture != Architecture.Mlp || spec.HiddenUnits is null) return;
        double inputs = (double)spec.InputRows * spec.InputColumns, parameters = 0;
        foreach (var units in spec.HiddenUnits.Append(spec.Classes))
        {
            parameters += inputs * units + units;
            inputs = units;
        }
        if (parameters * sizeof(float) > availableBytes + (1 << 20))
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{weightsFile}' is too small for the architecture in '{specFile}' ({parameters:N0} parameters).", target);
    }
}
