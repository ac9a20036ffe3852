namespace Mnist.Core.Data;

/// <summary>Keras' to_categorical for single labels.</summary>
public static class OneHot
{
    public static float[] Encode(int label, int classes)
    {
        if (classes < 2)
            throw new MnistException("InvalidClassCount", MnistErrorKind.InvalidArgument, $"Classes must be at least 2, not {classes}.", classes);
        if (label < 0 || label >= classes)
            throw new MnistException("LabelOutOfRange", MnistErrorKind.InvalidArgument, $"Label {label} is outside 0-{classes - 1} (-Classes {classes}).", label);
        var vector = new float[classes];
        vector[label] = 1f;
        return vector;
    }
}
