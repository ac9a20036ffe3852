using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using Mnist.Core.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Mnist.Core.Persistence.PyTorch;

/// <summary>
/// A model as PyTorch keeps one: the weights as a state_dict file (torch.save's zip format, read by torch.load), and
/// beside it a JSON of the same name that says how to build the network and what it classifies.
/// </summary>
public static class PyTorchModelFile
{
    private const long MaxArchitectureBytes = 4 << 20;

    /// <summary>The architecture file beside a state_dict file: model.pt -> model.json.</summary>
    public static string ArchitecturePath(string stateDictPath) => System.IO.Path.ChangeExtension(stateDictPath, ".json");

    public static void Save(MnistModel model, string path, bool overwrite)
    {
        using var use = model.BeginUse();
        var full = System.IO.Path.GetFullPath(path);
        var json = ArchitecturePath(full);
        if (string.Equals(json, full, StringComparison.Ordinal))
            throw new MnistException("ModelPathInvalid", MnistErrorKind.InvalidArgument,
                $"'{full}': a PyTorch state_dict needs a name other than .json (the architecture goes into a .json beside it); use .pt.", path);
        if (!overwrite && File.Exists(json))
            throw new MnistException("FileExists", MnistErrorKind.AlreadyExists, $"'{json}' already exists and is not overwritten unless that is asked for.", json);
        var architecture = PyTorchArchitecture.From(model, System.IO.Path.GetFileName(full));
        // The state_dict is moved into place inside the architecture's write, so a failure of either leaves both as they were.
        AtomicFile.Write(json, stream =>
        {
            JsonSerializer.Serialize(stream, architecture, PyTorchArchitecture.Json);
            AtomicFile.Write(full, weights => model.WritePyTorchWeights(weights), overwrite);
        }, overwrite);
        model.SetFilePath(full);
    }

    /// <summary>A state_dict as torch.save writes it (a zip with a data.pkl), with the architecture's JSON beside it.</summary>
    internal sealed class FileFormat : ModelFileFormat
    {
        public override ModelFormat Format => ModelFormat.PyTorch;
        public override IReadOnlyList<string> Extensions { get; } = new[] { ".pt", ".pth" };
        public override bool Recognises(FileHead head) => head.ZipEntries.Any(e => e.EndsWith("data.pkl", StringComparison.Ordinal));
        public override void Save(MnistModel model, string path, bool overwrite) => PyTorchModelFile.Save(model, path, overwrite);
        public override MnistModel Load(string full, string path) => PyTorchModelFile.Load(path);
        public override IReadOnlyList<string> TargetsOf(string path) => new[] { path, ArchitecturePath(path) };
    }

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        var architecture = ReadArchitecture(full, path);
        if (architecture.Spec is null) throw InvalidArchitecture(full, "it has no spec");
        SpecSize.Check(architecture.Spec, ContentBytes(architecture.Spec, full), full, ArchitecturePath(full), path);
        if (architecture.Problem() is { } problem) throw InvalidArchitecture(full, problem);
        return ModelFileFormat.Assemble(architecture, full, (why, e) => InvalidArchitecture(full, why, e), model => LoadWeights(model, full, path));
    }

    /// <summary>
    /// The bytes the state_dict really holds, to check the architecture against: the file's length, or, when the
    /// weights are larger than that (the module's writer deflates them, some 8% smaller for trained weights), what its
    /// entries really inflate to, read up to what the weights need and no further.
    /// </summary>
    private static long ContentBytes(ModelSpec spec, string full)
    {
        long length = new FileInfo(full).Length;
        if (SpecSize.WeightBytes(spec) is not long needed || needed <= length + SpecSize.Slack) return length;
        long limit = needed + SpecSize.Slack, total = 0;
        try
        {
            using var zip = new ZipArchive(InputFile.OpenRead(full));
            var buffer = new byte[1 << 16];
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                for (int read; total <= limit && (read = stream.Read(buffer)) > 0;) total += read;
                if (total > limit) break;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return length; // not a readable zip: the state_dict's reader says so, after this check
        }
        return Math.Max(length, total);
    }

    private static PyTorchArchitecture ReadArchitecture(string full, string path)
    {
        var json = ArchitecturePath(full);
        if (!File.Exists(json))
            throw new MnistException("PyTorchArchitectureNotFound", MnistErrorKind.NotFound,
                $"'{full}' is read with the architecture file beside it, '{json}', which does not exist.", path);
        if (new FileInfo(json).Length > MaxArchitectureBytes)
            throw InvalidArchitecture(full, $"it is larger than {MaxArchitectureBytes >> 20} MB");
        try
        {
            using var document = JsonDocument.Parse(InputFile.ReadAllBytes(json));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String
                || kind.GetString() != PyTorchArchitecture.KindName)
                throw InvalidArchitecture(full, $"it is not the architecture of an Mnist model (no \"kind\": \"{PyTorchArchitecture.KindName}\")");
            var version = root.TryGetProperty("format_version", out var v) && v.TryGetInt32(out var n) ? n : 0;
            if (version > PyTorchArchitecture.CurrentFormatVersion)
                throw new MnistException("ModelFormatTooNew", MnistErrorKind.InvalidData,
                    $"'{json}' has format version {version}; this module (version {ModelFile.ModuleVersion}) reads up to version {PyTorchArchitecture.CurrentFormatVersion}. Update the Mnist module.", json);
            if (version < 1) throw InvalidArchitecture(full, "it has no valid format_version");
            return root.Deserialize<PyTorchArchitecture>(PyTorchArchitecture.Json) ?? throw InvalidArchitecture(full, "it is empty");
        }
        catch (JsonException e)
        {
            throw InvalidArchitecture(full, $"it is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// Checks the file is a zip no larger than the weights it should hold before unpickling it, then that every key,
    /// shape and type is the architecture's before copying a single value.
    /// </summary>
    private static void LoadWeights(MnistModel model, string full, string path)
    {
        var expected = model.State;
        long expectedBytes = expected.Values.Sum(t => t.numel() * t.element_size());
        try
        {
            using (var zip = new ZipArchive(InputFile.OpenRead(full)))
            {
                if (!zip.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)))
                    throw InvalidStateDict(full, path, "it holds no data.pkl, so it is not a file torch.save wrote");
                long total = zip.Entries.Sum(e => e.Length);
                if (total > expectedBytes * 2 + (1 << 20))
                    throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                        $"'{full}' holds {total:N0} bytes; the architecture in '{ArchitecturePath(full)}' has {expectedBytes:N0} bytes of weights.", path);
                CheckCensus(CensusOf(zip, full, path), expected.Count, expectedBytes, full, path);
            }
        }
        catch (InvalidDataException e)
        {
            throw InvalidStateDict(full, path, $"it is not a PyTorch state_dict file ({e.Message})", e);
        }

        // First the pickle's description of each tensor (PyBridge allocates torch.empty(shape) from it), then the tensors.
        CheckDescriptions(Unpickle(full, path, describeOnly: true), expected, full, path);
        var loaded = Unpickle(full, path, describeOnly: false);
        try
        {
            var values = new List<KeyValuePair<string, Tensor>>();
            foreach (var (key, target) in expected)
            {
                if (loaded[key] is not Tensor tensor || tensor.dtype != target.dtype || !tensor.shape.SequenceEqual(target.shape))
                    throw InvalidStateDict(full, path, $"'{key}' was read as something other than it described");
                values.Add(new(key, tensor));
            }
            model.CopyState(values);
        }
        finally
        {
            foreach (var value in loaded.Values) (value as IDisposable)?.Dispose();
        }
    }

    /// <summary>The pickle the unpickler will run (the first entry named data.pkl, as PyBridge picks it), counted without running it.</summary>
    private static PickleCensus CensusOf(ZipArchive zip, string full, string path)
    {
        var pickle = zip.Entries.First(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal));
        try
        {
            using var stream = pickle.Open();
            return PickleCensus.Of(stream);
        }
        catch (FormatException e)
        {
            throw InvalidStateDict(full, path, $"its pickle is not a state_dict's: {e.Message}", e);
        }
    }

    /// <summary>
    /// A state_dict loads each tensor's storage once and rebuilds each tensor once: more rebuilds than the architecture
    /// has tensors are copies made and dropped (memory out of proportion to the file), and the bytes they would take
    /// are bounded by the architecture's weights (which the file's size was checked against).
    /// </summary>
    private static void CheckCensus(PickleCensus census, int tensors, long weightBytes, string full, string path)
    {
        if (census.TensorRebuilds > tensors || census.StorageLoads > tensors)
            throw InvalidStateDict(full, path,
                $"its pickle rebuilds {census.TensorRebuilds:N0} tensors from {census.StorageLoads:N0} storages, and the architecture has {tensors:N0} " +
                "(a tensor rebuilt and dropped is not part of a state_dict)");
        long limit = weightBytes + (1 << 20);
        if (census.StorageBytes > limit || census.TensorBytes > limit)
            throw new MnistException("ModelFileTooLarge", MnistErrorKind.LimitsExceeded,
                $"'{full}': its pickle would allocate {census.StorageBytes:N0} bytes of storages and {census.TensorBytes:N0} bytes of tensors; " +
                $"the architecture's weights are {weightBytes:N0} bytes.", path);
    }

    private static Hashtable Unpickle(string full, string path, bool describeOnly)
    {
        try
        {
            // Descriptions keep the zip open to read later; ours are only looked at, so the stream closes here either way.
            using var stream = InputFile.OpenRead(full);
            return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: describeOnly, skipTensorRead: describeOnly)
                ?? throw InvalidStateDict(full, path, "its pickle holds nothing (None), not a state_dict");
        }
        catch (Exception e) when (e is not MnistException)
        {
            throw InvalidStateDict(full, path, $"its state_dict cannot be read ({e.Message})", e);
        }
    }

    /// <summary>
    /// Every key of the architecture, with its shape and type, contiguous from offset 0, and nothing else. PyBridge's
    /// description of a tensor is an internal class: its public properties are read by name, and anything unexpected
    /// refuses the file.
    /// </summary>
    private static void CheckDescriptions(Hashtable described, Dictionary<string, Tensor> expected, string full, string path)
    {
        static T? Property<T>(object value, string name) => value.GetType().GetProperty(name)?.GetValue(value) is T t ? t : default;
        var problems = new List<string>();
        foreach (var (key, target) in expected)
        {
            if (!described.ContainsKey(key)) { problems.Add($"'{key}' is missing"); continue; }
            var description = described[key];
            if (description is null || Property<long[]>(description, "Shape") is not { } shape || Property<long[]>(description, "Stride") is not { } stride
                || description.GetType().GetProperty("DType")?.GetValue(description) is not ScalarType dtype
                || description.GetType().GetProperty("StorageOffset")?.GetValue(description) is not int offset)
            {
                problems.Add($"'{key}' is not a tensor");
                continue;
            }
            if (dtype != target.dtype) problems.Add($"'{key}' is {dtype}, not {target.dtype}");
            else if (!shape.SequenceEqual(target.shape))
                problems.Add($"'{key}' has shape [{string.Join(", ", shape)}], not [{string.Join(", ", target.shape)}]");
            else if (offset != 0 || !stride.SequenceEqual(ContiguousStrides(shape)))
                problems.Add($"'{key}' is not stored contiguously");
        }
        foreach (var key in described.Keys.Cast<object>().Select(k => k?.ToString()).Where(k => k is null || !expected.ContainsKey(k)))
            problems.Add($"'{key}' is not in the architecture");
        if (problems.Count > 0)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{full}': its state_dict does not fit the architecture in '{ArchitecturePath(full)}': {string.Join("; ", problems.Take(5))}.", path);
    }

    private static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long step = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = step;
            step *= shape[i];
        }
        return strides;
    }

    private static MnistException InvalidStateDict(string full, string path, string why, Exception? inner = null) =>
        new("PyTorchFileInvalid", MnistErrorKind.InvalidData, $"'{full}': {why}.", path, inner);

    private static MnistException InvalidArchitecture(string stateDict, string why, Exception? inner = null) =>
        new("PyTorchArchitectureInvalid", MnistErrorKind.InvalidData,
            $"'{ArchitecturePath(stateDict)}', the architecture of '{stateDict}', cannot be used: {why}.", stateDict, inner);
}
