using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Mnist.Core.Data.Sources;

/// <summary>How far an import of pictures has come.</summary>
public readonly record struct PictureImportProgress(int Done, int Total, int FromCache, TimeSpan Elapsed)
{
    public bool IsFinal => Done >= Total;

    /// <summary>The time left at the pace so far; null until there is a pace.</summary>
    public TimeSpan? Remaining => Done == 0 ? null : TimeSpan.FromTicks(Elapsed.Ticks / Done * (Total - Done));
}

/// <summary>What an import from a user's files is told: the split, the preparation, the cache, progress and cancellation.</summary>
public sealed record DataImportOptions
{
    public string? Name { get; init; }
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The share of images the test split takes when the source does not split the data itself.</summary>
    public double TestFraction { get; init; } = 0.2;

    public PicturePreparation Preparation { get; init; } = PicturePreparation.Auto;

    /// <summary>The data cache folder; prepared images are kept under it. Null: nothing is cached.</summary>
    public string? CacheRoot { get; init; }

    public int Rows { get; init; } = 28;
    public int Columns { get; init; } = 28;

    /// <summary>Reported from the calling thread only (a PowerShell host needs that), about every 100 ms and at the end.</summary>
    public IProgress<PictureImportProgress>? Progress { get; init; }

    public CancellationToken Cancel { get; init; }

    public void Validate()
    {
        if (double.IsNaN(TestFraction) || TestFraction < 0 || TestFraction >= 1)
            throw new MnistException("InvalidImportOption", MnistErrorKind.InvalidArgument, $"The test fraction must be in [0, 1), not {TestFraction}.", TestFraction);
    }
}

/// <summary>
/// Reads and prepares many pictures on every core: each file is read once (bounded), hashed, looked up in the
/// prepared-image cache, and otherwise decoded and prepared. A picture that cannot be used is recorded with its
/// error and the rest go on.
/// </summary>
public static class PictureImport
{
    public sealed record Result(IReadOnlyList<LabelledImage> Images, IReadOnlyList<MnistException> Failures, int FromCache, int Prepared);

    public static Result Prepare(IReadOnlyList<PictureEntry> pictures, DataImportOptions options)
    {
        var cache = options.CacheRoot is null ? null
            : new PreparedImageCache(options.CacheRoot, options.Preparation == PicturePreparation.Auto ? PicturePreparation.Digit : options.Preparation, options.Rows, options.Columns);
        var images = new LabelledImage?[pictures.Count];
        var failures = new ConcurrentBag<(int Index, MnistException Error)>();
        int done = 0, fromCache = 0;
        var clock = Stopwatch.StartNew();

        var work = Task.Run(() => Parallel.For(0, pictures.Count,
            new ParallelOptions { CancellationToken = options.Cancel, MaxDegreeOfParallelism = Environment.ProcessorCount },
            i =>
            {
                try
                {
                    var (image, cached) = PrepareOne(pictures[i], cache, options);
                    images[i] = image;
                    if (cached) Interlocked.Increment(ref fromCache);
                }
                catch (MnistException e)
                {
                    failures.Add((i, e));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add((i, new MnistException("ImageUnreadable", MnistErrorKind.InvalidData,
                        $"The picture '{pictures[i].Path}' cannot be read: {e.Message}", pictures[i].Path, e)));
                }
                Interlocked.Increment(ref done);
            }));
        while (!work.Wait(100))
            options.Progress?.Report(new PictureImportProgress(Volatile.Read(ref done), pictures.Count, Volatile.Read(ref fromCache), clock.Elapsed));
        try
        {
            work.GetAwaiter().GetResult();
        }
        finally
        {
            cache?.Trim();
        }
        options.Progress?.Report(new PictureImportProgress(pictures.Count, pictures.Count, fromCache, clock.Elapsed));
        var usable = images.Where(i => i is not null).Select(i => i!).ToList();
        return new Result(usable, failures.OrderBy(f => f.Index).Select(f => f.Error).ToList(), fromCache, usable.Count - fromCache);
    }

    private static (LabelledImage Image, bool FromCache) PrepareOne(PictureEntry picture, PreparedImageCache? cache, DataImportOptions options)
    {
        var bytes = PictureFiles.ReadBounded(picture.Path);
        var hash = SHA256.HashData(bytes);
        if (cache?.TryGet(hash) is { } cached) return (new LabelledImage(cached, picture.Label, hash, picture.Split), true);
        var (pixels, cacheable) = PicturePreparer.Prepare(bytes, picture.Path, options.Preparation, options.Rows, options.Columns);
        if (cacheable) cache?.Put(hash, pixels);
        return (new LabelledImage(pixels, picture.Label, hash, picture.Split), false);
    }
}
