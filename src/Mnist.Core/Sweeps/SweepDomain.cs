using System.Text.Json.Nodes;

namespace Mnist.Core.Sweeps;

/// <summary>The values one swept parameter may take: a list to pick from, or a range to draw from.</summary>
public abstract record SweepDomain(string Name)
{
    /// <summary>A grid can only walk lists; ranges are for random draws.</summary>
    public abstract bool IsList { get; }

    public abstract JsonNode Draw(Random random);

    /// <summary>What the sweep folder records of the domain, so that a rerun can tell it is the same sweep.</summary>
    public abstract JsonNode ToJson();
}

/// <summary>Values to try, each a JSON value as the parameter takes it (a list parameter's value is itself a list).</summary>
public sealed record SweepValueList(string Name, IReadOnlyList<JsonNode> Values) : SweepDomain(Name)
{
    public override bool IsList => true;

    public override JsonNode Draw(Random random) => Values[random.Next(Values.Count)].DeepClone();

    public override JsonNode ToJson() => new JsonArray(Values.Select(v => v.DeepClone()).ToArray());
}

/// <summary>A range drawn uniformly, or log-uniformly (learning rates), as whole numbers when both ends are.</summary>
public sealed record SweepRange(string Name, double Min, double Max, bool Log, bool Integer) : SweepDomain(Name)
{
    public static SweepRange Create(string name, double min, double max, bool log, bool integer)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
                $"The range of '{name}' must have finite ends with Min <= Max (it has Min {min}, Max {max}).", name);
        if (log && min <= 0)
            throw new MnistException("InvalidSweepParameter", MnistErrorKind.InvalidArgument,
                $"A log range needs Min > 0; '{name}' has Min {min}.", name);
        return new SweepRange(name, min, max, log, integer);
    }

    public override bool IsList => false;

    public override JsonNode Draw(Random random)
    {
        double u = random.NextDouble();
        double value = Log ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        if (Integer) return JsonValue.Create((long)Math.Clamp(Math.Round(value), Min, Max));
        // Six significant digits: a setting a person can read and type again.
        return JsonValue.Create(double.Parse(value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
    }

    public override JsonNode ToJson() => new JsonObject { ["Min"] = Min, ["Max"] = Max, ["Log"] = Log, ["Integer"] = Integer };
}
