namespace Mnist.Core.Data.Sources;

/// <summary>
/// Decides train or test by each image's content, never by file order or a random draw, so that as a folder grows an
/// image stays where it was. An image is in the test split when its content hash, read as a number in [0, 1), is
/// below the test fraction. Stratified enough: a class with at least <see cref="MinimumForTestImage"/> images and
/// none below the fraction lends its lowest-hashing image to the test split; that one image is the only one that can
/// go back to training, once the class has grown an image that hashes into the test split by itself.
/// </summary>
public static class ContentSplit
{
    public const int MinimumForTestImage = 5;

    /// <summary>For each image, whether it belongs to the test split.</summary>
    public static bool[] TestMembership(IReadOnlyList<LabelledImage> images, double testFraction)
    {
        var isTest = new bool[images.Count];
        for (int i = 0; i < images.Count; i++) isTest[i] = images[i].SplitPoint < testFraction;
        if (testFraction <= 0) return isTest;
        foreach (var byClass in Enumerable.Range(0, images.Count).GroupBy(i => images[i].Label))
        {
            var members = byClass.ToArray();
            if (members.Length < MinimumForTestImage || members.Any(i => isTest[i])) continue;
            isTest[members.MinBy(i => images[i].SplitPoint)] = true;
        }
        return isTest;
    }
}
