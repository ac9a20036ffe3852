using System.Text.Json;

namespace Mnist.Core.Runtime;

/// <summary>A runtime folder as Install-MnistRuntime left it (or finds it): what it holds and where it came from.</summary>
public sealed class RuntimeInfo
{
    public required string Platform { get; init; }
    public required string Path { get; init; }
    public required string TorchSharpVersion { get; init; }
    public required string LibTorchVersion { get; init; }
    public bool IsInstalled { get; init; }
    /// <summary>True when Install-MnistRuntime found it complete and left it as it was.</summary>
    public bool WasPresent { get; init; }
    public string? Source { get; init; }
    public DateTimeOffset? InstalledAt { get; init; }
    public int FileCount { get; init; }
    public long SizeBytes { get; init; }
    public double SizeMB => Math.Round(SizeBytes / 1048576.0, 1);

    public static RuntimeInfo Read(string rid, string folder, bool wasPresent = false)
    {
        var pins = RuntimePins.Current;
        var marker = System.IO.Path.Combine(folder, RuntimeLocation.MarkerFile);
        RuntimeRecord? record = null;
        if (File.Exists(marker))
        {
            try { record = JsonSerializer.Deserialize<RuntimeRecord>(File.ReadAllText(marker)); }
            catch (JsonException) { }
        }
        var files = Directory.Exists(folder) ? new DirectoryInfo(folder).GetFiles() : Array.Empty<FileInfo>();
        return new RuntimeInfo
        {
            Platform = rid,
            Path = folder,
            TorchSharpVersion = pins.TorchSharpVersion,
            LibTorchVersion = pins.LibTorchVersion,
            IsInstalled = record is not null,
            WasPresent = wasPresent,
            // A record written before credentials were hidden may hold some: never shown.
            Source = record?.Source is { } source ? Web.WebAddress.Shown(source) : null,
            InstalledAt = record?.InstalledAt,
            FileCount = files.Length,
            SizeBytes = files.Sum(f => f.Length),
        };
    }

    public override string ToString() => Path;
}

/// <summary>The marker file's content.</summary>
public sealed record RuntimeRecord(string Platform, string Source, DateTimeOffset InstalledAt, IReadOnlyList<RuntimePackage> Packages);
