using System.Text.Json;
using System.Text.Json.Serialization;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Persistence.PyTorch;

/// <summary>
/// The JSON beside a PyTorch state_dict file: what the network is (as torch.nn layers a Python user can build, and as
/// the module's own spec), what goes in and comes out, what it classifies and what it was trained on.
/// </summary>
internal sealed record PyTorchArchitecture : ModelRecord
{
    public const string KindName = "Mnist.PyTorch";
    public const int CurrentFormatVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Kind { get; init; } = KindName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>The state_dict file's name (in the same folder).</summary>
    public string StateDict { get; init; } = "";
    public string Input { get; init; } = "";
    public string Output { get; init; } = "";
    /// <summary>torch.nn layers in forward order; a dotted name nests the layer in Sequentials (dense.0 is dense[0]).</summary>
    public List<PyTorchLayer> Layers { get; init; } = new();

    public static PyTorchArchitecture From(MnistModel model, string stateDictFileName)
    {
        int width = model.InputRows * model.InputColumns;
        return Fill(new PyTorchArchitecture
        {
            StateDict = stateDictFileName,
            Input = $"float32 [N, {width}]: {model.InputRows}x{model.InputColumns} images, row-major, pixel/255",
            Output = $"float32 [N, {model.ClassNames.Count}]: logits (softmax over dim 1 gives the probabilities)",
            Layers = PyTorchLayers.Of(model).ToList(),
        }, model);
    }
}
