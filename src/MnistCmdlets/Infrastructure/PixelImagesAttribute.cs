using System.Collections;
using System.Management.Automation;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// Lets -Pixels take one image as well as many: a flat list of numbers (-Pixels $sample.Pixels) is one image, not
/// 784 images of one pixel each, which is what PowerShell's own conversion to byte[][] would make of it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class PixelImagesAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = DataArgument.Unwrap(inputData);
        if (value is byte[] one) return new[] { one };
        if (value is IList list && list.Count > 0 && list.Cast<object?>().All(IsNumber))
            return new[] { list.Cast<object?>().Select(ToByte).ToArray() };
        return inputData;
    }

    private static bool IsNumber(object? item) => DataArgument.Unwrap(item) is byte or sbyte or short or ushort or int or uint or long or ulong or double or float or decimal;

    private static byte ToByte(object? item) => LanguagePrimitives.ConvertTo<byte>(DataArgument.Unwrap(item));
}
