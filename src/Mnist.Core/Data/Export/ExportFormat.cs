namespace Mnist.Core.Data.Export;

/// <summary>The file formats Export-MnistData writes.</summary>
public enum ExportFormat
{
    /// <summary>The four IDX files of the original MNIST (train-images-idx3-ubyte, ...), optionally gzipped.</summary>
    Idx,
    /// <summary>Keras' mnist.npz: x_train, y_train, x_test, y_test as uint8 arrays.</summary>
    Npz,
    /// <summary>Kaggle's digit-recognizer layout: a header label,pixel0,...,pixel783 and one row per image.</summary>
    Csv,
    /// <summary>8-bit grayscale PNG files in one folder per class, with classes.txt giving the class order.</summary>
    Png,
}

/// <summary>Which class a prediction is written under (its folder, or its label in IDX, npz and CSV).</summary>
public enum PredictionClass
{
    /// <summary>The image's true class (a prediction without one cannot be written this way).</summary>
    Label,
    /// <summary>The class the model predicted.</summary>
    Predicted,
}
