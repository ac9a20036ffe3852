namespace Mnist.Core.Data.Sources;

/// <summary>What an import from a user's files passed over: files that are not pictures, and pictures that could not be used.</summary>
public sealed class DataImportReport
{
    public DataImportReport(IReadOnlyList<string> skippedFiles, IReadOnlyList<MnistException> failures, int preparedFromCache, int prepared,
        IReadOnlyList<string>? notes = null)
    {
        Notes = notes ?? Array.Empty<string>();
        SkippedFiles = skippedFiles;
        Failures = failures;
        PreparedFromCache = preparedFromCache;
        Prepared = prepared;
    }

    /// <summary>Files passed over as not pictures by their extension (Thumbs.db, .DS_Store, README.txt), and links to folders.</summary>
    public IReadOnlyList<string> SkippedFiles { get; }

    /// <summary>Files named as pictures that could not be read or prepared, each with its error (the file is its target).</summary>
    public IReadOnlyList<MnistException> Failures { get; }

    /// <summary>Pictures whose prepared image came from the prepared-image cache.</summary>
    public int PreparedFromCache { get; }

    /// <summary>Pictures prepared in this import (decoded and, unless taken as they were, prepared).</summary>
    public int Prepared { get; }

    /// <summary>What the import decided that a user may want to know (shown with -Verbose).</summary>
    public IReadOnlyList<string> Notes { get; }

    public int Skipped => SkippedFiles.Count;
    public int Failed => Failures.Count;

    public override string ToString() =>
        $"{Prepared + PreparedFromCache:N0} pictures ({PreparedFromCache:N0} from the cache), {Skipped:N0} skipped, {Failed:N0} failed";
}
