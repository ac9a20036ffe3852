using Google.Protobuf.Reflection;
using Onnx;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// Counts what parsing an ONNX file would materialise, by walking its protobuf wire format (tags and lengths, with
/// ONNX's own message descriptors to know which fields are messages) without building anything: nodes, initializers,
/// attributes, and every object the parser would allocate (messages, strings, byte strings, unknown fields, unpacked
/// repeated numbers). Byte payloads (weights) are skipped, not read. A file past the limits is refused before
/// protobuf turns it into objects: a 12 MB file of millions of empty initializers would otherwise take gigabytes.
/// </summary>
internal sealed class OnnxCensus
{
    /// <summary>
    /// The limits, from the largest graphs the module exports (64 layers, InputLimits.MaxLayers; measured by
    /// OnnxGraphTests): 63 dense layers with GELU (Gemm, Div, Erf, Add, Mul, Mul, and 5 initializers each) give 380
    /// nodes and 317 initializers; 31 convolutions with GELU and 31 poolings give 313 attributes (5 a node at most);
    /// either is about 3,400 objects, nested 7 deep. Each limit leaves ten times that or more. The bytes: 4 per
    /// parameter at the parameter limit, the metadata's limit, and 16 MB.
    /// </summary>
    public const int MaxNodes = 4_096;
    public const int MaxInitializers = 4_096;
    public const int MaxAttributes = 16_384;
    public const int MaxAttributesPerNode = 16;
    public const int MaxObjects = 262_144;
    public const int MaxDepth = 16;
    public const long MaxBytes = InputLimits.MaxModelParameters * sizeof(float) + InputLimits.MaxMetadataBytes + (16L << 20);

    public int Nodes { get; private set; }
    public int Initializers { get; private set; }
    public int Attributes { get; private set; }
    public int Objects { get; private set; }
    public int Depth { get; private set; }

    private readonly Stream _input;
    private long _position;

    private OnnxCensus(Stream input) => _input = input;

    /// <summary>
    /// Walks the whole file. Throws <see cref="OnnxLimitException"/> when a count passes its limit and
    /// <see cref="FormatException"/> when the bytes are not protobuf.
    /// </summary>
    public static OnnxCensus Of(Stream stream, long length)
    {
        if (length > MaxBytes) throw new OnnxLimitException($"it is {length:N0} bytes; an ONNX file of the largest model this module makes is at most {MaxBytes:N0}");
        var census = new OnnxCensus(new BufferedStream(stream, 64 << 10));
        census.Message(ModelProto.Descriptor, length, depth: 1);
        return census;
    }

    private void Message(MessageDescriptor type, long end, int depth)
    {
        if (depth > MaxDepth) throw new OnnxLimitException($"its messages nest deeper than {MaxDepth} levels (the module's export nests 7)");
        Depth = Math.Max(Depth, depth);
        int attributesHere = 0;
        while (_position < end)
        {
            ulong tag = Varint(end);
            int number = (int)(tag >> 3);
            int wire = (int)(tag & 7);
            if (number == 0) throw Invalid("a field numbered 0");
            var field = type.FindFieldByNumber(number);
            switch (wire)
            {
                case 0:
                    Varint(end);
                    if (field is null || field.IsRepeated) Count();
                    break;
                case 1: Skip(8, end); if (field is null || field.IsRepeated) Count(); break;
                case 5: Skip(4, end); if (field is null || field.IsRepeated) Count(); break;
                case 2:
                {
                    ulong length = Varint(end);
                    if (length > (ulong)(end - _position)) throw Invalid("a field runs past the end of its message");
                    long fieldEnd = _position + (long)length;
                    if (field?.FieldType == FieldType.Message)
                    {
                        Count();
                        CountKind(type, field, ref attributesHere);
                        Message(field.MessageType, fieldEnd, depth + 1);
                    }
                    else
                    {
                        // A string or byte string is one object; packed numbers are one array sized by their bytes.
                        if (field is null || field.FieldType is FieldType.String or FieldType.Bytes) Count();
                        Skip((long)length, end);
                    }
                    break;
                }
                default:
                    throw Invalid($"wire type {wire} (groups are not used by ONNX)");
            }
        }
        if (_position != end) throw Invalid("a message runs past its end");
    }

    private void CountKind(MessageDescriptor parent, FieldDescriptor field, ref int attributesHere)
    {
        if (field.MessageType == NodeProto.Descriptor && ++Nodes > MaxNodes)
            throw new OnnxLimitException($"it holds more than {MaxNodes:N0} nodes (the largest graph this module exports has 380)");
        if (parent == GraphProto.Descriptor && field.FieldNumber == GraphProto.InitializerFieldNumber && ++Initializers > MaxInitializers)
            throw new OnnxLimitException($"it holds more than {MaxInitializers:N0} initializers (the largest graph this module exports has 317)");
        if (field.MessageType == AttributeProto.Descriptor)
        {
            if (++Attributes > MaxAttributes)
                throw new OnnxLimitException($"it holds more than {MaxAttributes:N0} attributes (the largest graph this module exports has 313)");
            if (++attributesHere > MaxAttributesPerNode)
                throw new OnnxLimitException($"a node holds more than {MaxAttributesPerNode} attributes (this module's nodes have at most 5)");
        }
    }

    private void Count()
    {
        if (++Objects > MaxObjects)
            throw new OnnxLimitException($"it holds more than {MaxObjects:N0} messages, names and values (the largest graph this module exports has about 3,400)");
    }

    private ulong Varint(long end)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= end) throw Invalid("a number runs past the end of its message");
            int b = _input.ReadByte();
            if (b < 0) throw Invalid("the file ends inside a number");
            _position++;
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Invalid("a number longer than 10 bytes");
    }

    private void Skip(long count, long end)
    {
        if (count > end - _position) throw Invalid("a field runs past the end of its message");
        _input.Seek(count, SeekOrigin.Current);
        _position += count;
    }

    private FormatException Invalid(string why) => new($"{why} (at byte {_position:N0})");
}

/// <summary>An ONNX file's structure passes one of <see cref="OnnxCensus"/>'s limits.</summary>
internal sealed class OnnxLimitException(string message) : Exception(message);
