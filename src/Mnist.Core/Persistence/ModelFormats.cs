using Mnist.Core.Modeling;
using Mnist.Core.Persistence.Onnx;
using Mnist.Core.Persistence.PyTorch;

namespace Mnist.Core.Persistence;

/// <summary>The file formats a model is written in: the module's own, ONNX for serving, a PyTorch state_dict.</summary>
public enum ModelFormat { Mnist, Onnx, PyTorch }

/// <summary>Chooses the format by the file's extension (or the caller's word) and hands the file to its writer or reader.</summary>
public static class ModelFormats
{
    public static ModelFormat FromPath(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".onnx" => ModelFormat.Onnx,
        ".pt" or ".pth" => ModelFormat.PyTorch,
        _ => ModelFormat.Mnist,
    };

    public static void Save(MnistModel model, string path, ModelFormat format, bool overwrite)
    {
        switch (format)
        {
            case ModelFormat.Onnx: OnnxExporter.Save(model, path, overwrite); break;
            case ModelFormat.PyTorch: PyTorchModelFile.Save(model, path, overwrite); break;
            default: ModelFile.Save(model, path, overwrite); break;
        }
    }

    /// <summary>The files a save writes (the PyTorch format writes two).</summary>
    public static IReadOnlyList<string> TargetsOf(string path, ModelFormat format) =>
        format == ModelFormat.PyTorch ? new[] { path, PyTorchModelFile.ArchitecturePath(path) } : new[] { path };

    public static MnistModel Load(string path) => FromPath(path) switch
    {
        ModelFormat.PyTorch => PyTorchModelFile.Load(path),
        ModelFormat.Onnx => OnnxModelFile.Load(path),
        _ => ModelFile.Load(path),
    };
}
