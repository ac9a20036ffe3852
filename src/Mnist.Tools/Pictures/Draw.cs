namespace Mnist.Core.Imaging.Pictures;

/// <summary>Random draws for the picture set, all from one seeded generator so a seed gives the same pictures.</summary>
internal sealed class Draw(Random random)
{
    public double Between(double low, double high) => low + random.NextDouble() * (high - low);

    public int Between(int low, int highInclusive) => random.Next(low, highInclusive + 1);

    public bool Chance(double probability) => random.NextDouble() < probability;

    public double Sign() => random.Next(2) == 0 ? -1 : 1;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public double Gaussian()
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A generator for item <paramref name="index"/> of a set made with <paramref name="seed"/> (splitmix64), so
    /// each picture depends only on the seed and its own index.</summary>
    public static Random For(long seed, int index)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }
}
