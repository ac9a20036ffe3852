using System.Collections;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Lets -Index and -Label take ranges as typed at a prompt. In argument mode PowerShell passes <c>-Index 0..8</c> as the
/// string "0..8", not as a range, so ranges ("0..8"), lists ("0,4,9") and single numbers are expanded here.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed partial class IntegerRangesAttribute : ArgumentTransformationAttribute
{
    [GeneratedRegex(@"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")]
    private static partial Regex Range();

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            string text => Expand(text).ToArray(),
            IEnumerable items => items.Cast<object>().SelectMany(Integers).ToArray(),
            _ => value,
        };
    }

    private static IEnumerable<int> Integers(object item) =>
        (item is PSObject wrapped ? wrapped.BaseObject : item) switch
        {
            string text => Expand(text),
            var other => new[] { LanguagePrimitives.ConvertTo<int>(other) },
        };

    private static IEnumerable<int> Expand(string text)
    {
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = Range().Match(part);
            if (range.Success)
            {
                int from = int.Parse(range.Groups[1].Value), to = int.Parse(range.Groups[2].Value);
                int step = from <= to ? 1 : -1;
                for (int i = from; i != to + step; i += step) yield return i;
            }
            else if (int.TryParse(part, out int single)) yield return single;
            else throw new ArgumentTransformationMetadataException(
                $"'{part}' is not an index or a range of indices (like 0..8).");
        }
    }
}
