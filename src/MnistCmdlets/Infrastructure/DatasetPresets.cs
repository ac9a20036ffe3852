namespace Mnist.Cmdlets.Infrastructure;

/// <summary>The MNIST-layout datasets the module knows by name, with their class names, for tab completion.</summary>
internal static class DatasetPresets
{
    public static readonly IReadOnlyDictionary<string, string[]> ClassNames = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["mnist"] = new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" },
        ["fashion-mnist"] = new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" },
        ["kmnist"] = new[] { "o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo" },
    };
}
