using Mnist.Core.Modeling;
using Mnist.Core.Persistence.Onnx;
using Mnist.Core.Persistence.PyTorch;

namespace Mnist.Core.Persistence;

/// <summary>The file formats a model is written in: the module's own, ONNX for serving, a PyTorch state_dict.</summary>
public enum ModelFormat { Mnist, Onnx, PyTorch }

/// <summary>
/// The model file formats, each recognising its files by content: a save chooses the format by the caller's word or
/// the file's extension; a load by what the file holds (so a file under any name is read), falling back to the
/// extension's reader for a file too damaged to recognise, and refusing a file that is no model file at all.
/// </summary>
public static class ModelFormats
{
    private static readonly ModelFileFormat[] All = { new ModelFile.FileFormat(), new OnnxModelFile.FileFormat(), new PyTorchModelFile.FileFormat() };

    private static ModelFileFormat Of(ModelFormat format) => All.Single(f => f.Format == format);

    public static ModelFormat FromPath(string path) =>
        All.FirstOrDefault(f => f.Extensions.Contains(System.IO.Path.GetExtension(path).ToLowerInvariant()))?.Format ?? ModelFormat.Mnist;

    public static void Save(MnistModel model, string path, ModelFormat format, bool overwrite) => Of(format).Save(model, path, overwrite);

    /// <summary>The files a save writes (the PyTorch format writes two).</summary>
    public static IReadOnlyList<string> TargetsOf(string path, ModelFormat format) => Of(format).TargetsOf(path);

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData, $"'{full}' is a folder, not a model file.", path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        FileHead head;
        try
        {
            head = FileHead.Read(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("ModelFileUnreadable", MnistErrorKind.ResourceUnavailable, $"'{full}' cannot be read: {e.Message}", path, e);
        }
        var extension = System.IO.Path.GetExtension(full).ToLowerInvariant();
        // Not recognised: a file named as a format, or a zip (the module's own file, damaged), goes to that reader to say what is wrong.
        var format = All.FirstOrDefault(f => f.Recognises(head)) ?? All.FirstOrDefault(f => f.Extensions.Contains(extension))
            ?? (head.StartsWith((byte)'P', (byte)'K') ? Of(ModelFormat.Mnist) : null)
            ?? throw new MnistException("ModelFileUnknownFormat", MnistErrorKind.InvalidData,
                $"'{full}' is not a model file in any format this module reads (its own .model, ONNX, a PyTorch state_dict)" +
                (head.Looks is { } looks ? $": it is {looks}." : "."), path);
        return format.Load(full, path);
    }
}
