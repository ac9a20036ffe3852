namespace Mnist.Core.Data;

/// <summary>
/// The datasets loaded in this process, held weakly: a model remembers only the identity of its training data, and
/// finds the data again here while some variable or pipeline still holds it (so that
/// <c>Import-MnistData | Invoke-MnistTraining | Test-MnistModel</c> needs no -Data) without keeping it alive.
/// </summary>
public static class DatasetRegistry
{
    private static readonly List<WeakReference<MnistDataset>> Loaded = new();

    internal static void Remember(MnistDataset dataset)
    {
        lock (Loaded)
        {
            Loaded.RemoveAll(r => !r.TryGetTarget(out _));
            Loaded.Add(new WeakReference<MnistDataset>(dataset));
        }
    }

    /// <summary>A live dataset with these files, this slice and these class names, newest first.</summary>
    public static MnistDataset? Find(DataIdentity identity)
    {
        lock (Loaded)
        {
            for (int i = Loaded.Count - 1; i >= 0; i--)
            {
                if (Loaded[i].TryGetTarget(out var dataset) && dataset.Identity.IsSameDataAs(identity) &&
                    dataset.ClassNames.SequenceEqual(identity.ClassNames))
                    return dataset;
            }
        }
        return null;
    }
}

/// <summary>Finds the data a model was trained on again: loaded in this session, or a known dataset in the cache.</summary>
public static class TrainingDataLocator
{
    /// <summary>The dataset, or null when it is neither loaded nor a known dataset whose files are cached.</summary>
    public static MnistDataset? Locate(DataIdentity identity, string cacheRoot)
    {
        if (DatasetRegistry.Find(identity) is { } loaded) return loaded;
        if (identity.KnownDataset is not { } known || !MnistLoader.CacheIsComplete(cacheRoot, known)) return null;
        var cached = MnistLoader.LoadCache(cacheRoot, known, identity.Name, identity.ClassNames);
        return cached.Train.Count == identity.TrainCount && cached.Test.Count == identity.TestCount
            ? cached
            : cached.Take(identity.TrainCount, identity.TestCount);
    }
}
