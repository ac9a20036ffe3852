namespace Mnist.Core.Data.Sources;

/// <summary>How a picture becomes a training image.</summary>
public enum PicturePreparation
{
    /// <summary>A picture already of the image shape in 8-bit grayscale is taken as it is; any other gets <see cref="Digit"/>.</summary>
    Auto,

    /// <summary>The digit preparation of Get-MnistPrediction -Path: the digit isolated, cropped, scaled into 20x20, centred by mass.</summary>
    Digit,

    /// <summary>Grayscale, light paper turned dark, the whole picture fitted into the image shape and centred: for pictures that are not digits.</summary>
    Resize,

    /// <summary>Grayscale only; the picture must already have the image shape.</summary>
    None,
}
