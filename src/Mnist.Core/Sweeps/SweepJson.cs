using System.Text.Json;
using System.Text.Json.Serialization;
using Mnist.Core.Persistence;

namespace Mnist.Core.Sweeps;

/// <summary>How the sweep folder's JSON files are written and read (read as untrusted: bounded, and a bad file is a module error naming it).</summary>
internal static class SweepJson
{
    private const int MaxFileBytes = 16 << 20;

    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static T? ReadFile<T>(string path) where T : class
    {
        if (!File.Exists(path)) return null;
        using var stream = InputFile.OpenRead(path);
        if (stream.Length > MaxFileBytes)
            throw new MnistException("SweepFolderInvalid", MnistErrorKind.InvalidData, $"'{path}' is {stream.Length:N0} bytes; a sweep's file is never that large.", path);
        using var reader = new StreamReader(stream);
        return Parse<T>(reader.ReadToEnd(), path);
    }

    public static T Parse<T>(string text, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options) ?? throw new JsonException("it is empty");
        }
        catch (JsonException e)
        {
            throw new MnistException("SweepFolderInvalid", MnistErrorKind.InvalidData, $"'{source}' is not a valid sweep file: {e.Message}", source, e);
        }
    }

    public static void WriteFile<T>(string path, T value) =>
        AtomicFile.Write(path, s => JsonSerializer.Serialize(s, value, Options), overwrite: true);
}
