namespace Mnist.Core.Data.Export;

/// <summary>One file of an export: its path under the export's root, how many images it holds, and how to write it.</summary>
public sealed record PlannedFile(string RelativePath, int Images, Action<Stream, Action<int>, CancellationToken> Write)
{
    /// <summary>Flushed to the disk before it is moved into place (large data files; not every one of 70,000 pictures).</summary>
    public bool Durable { get; init; } = true;

    /// <summary>For a small file made in memory (a picture): its bytes, which may be made on any thread, many at once.</summary>
    public Func<byte[]>? Content { get; init; }

    /// <summary>A small file whose bytes are made in memory, on any thread; not flushed to the disk one by one.</summary>
    public static PlannedFile Small(string relativePath, int images, Func<byte[]> content) =>
        new(relativePath, images, (stream, done, _) =>
        {
            stream.Write(content());
            done(images);
        })
        { Content = content, Durable = false };
}

/// <summary>
/// The files an export writes. A folder export (IDX, PNG, CSV of a dataset) writes every file under
/// <see cref="Root"/>; a file export (npz, one CSV) writes the single file <see cref="Root"/>.
/// </summary>
public sealed record ExportPlan(string Root, bool IsFolder, IReadOnlyList<PlannedFile> Files, ExportFormat Format, ExportImages Images)
{
    /// <summary>The full path of every file written.</summary>
    public IEnumerable<string> Paths => IsFolder ? Files.Select(f => System.IO.Path.Combine(Root, f.RelativePath)) : new[] { Root };
}
