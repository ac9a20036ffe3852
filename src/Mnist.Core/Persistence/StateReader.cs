using System.Text;

namespace Mnist.Core.Persistence;

/// <summary>
/// A bounds-checked cursor over TorchSharp's own binary state format (BinaryWriter strings, LEB128 counts, raw
/// little-endian numbers, tensors as dtype, rank, shape, data). Used to check a file's weights and optimizer state
/// before TorchSharp reads them: every length is checked against the bytes really present, nothing is allocated
/// from a declared size. A failure throws <see cref="FormatException"/> saying where and what.
/// </summary>
internal sealed class StateReader
{
    private readonly byte[] _bytes;
    private readonly string _what;

    public StateReader(byte[] bytes, string what)
    {
        _bytes = bytes;
        _what = what;
    }

    public int Position { get; private set; }
    public bool AtEnd => Position == _bytes.Length;

    public long ReadLeb128()
    {
        long result = 0;
        for (int i = 0; i < 10; i++)
        {
            byte b = ReadByte();
            result |= (long)(b & 0x7f) << (i * 7);
            if ((b & 0x80) == 0) return result;
        }
        throw Fail("a count is not a valid LEB128 number");
    }

    public string ReadString()
    {
        int length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 28) throw Fail("a name's length is not valid");
            byte b = ReadByte();
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (length < 0 || length > 4096) throw Fail($"a name is {length} bytes long");
        var span = Take(length);
        try
        {
            return new UTF8Encoding(false, true).GetString(span);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a name is not UTF-8");
        }
    }

    public long ReadInt64() => BitConverter.ToInt64(Take(8));

    public double ReadDouble() => BitConverter.ToDouble(Take(8));

    public double ReadFiniteDouble(string name)
    {
        var value = ReadDouble();
        if (!double.IsFinite(value)) throw Fail($"{name} is {value}");
        return value;
    }

    public bool ReadBoolean()
    {
        byte b = ReadByte();
        return b switch { 0 => false, 1 => true, _ => throw Fail($"a flag is {b}, not 0 or 1") };
    }

    /// <summary>A tensor whose dtype and shape must be exactly these; its data must be present and, for float32, finite.</summary>
    public void ReadTensor(string name, int dtype, long[] shape)
    {
        long type = ReadLeb128();
        if (type != dtype) throw Fail($"'{name}' has element type {type}, expected {dtype}");
        long rank = ReadLeb128();
        if (rank != shape.Length) throw Fail($"'{name}' has {rank} dimensions, expected {shape.Length}");
        for (int i = 0; i < rank; i++)
        {
            long size = ReadLeb128();
            if (size != shape[i]) throw Fail($"'{name}' has shape ({string.Join(", ", shape.Take(i))}{(i > 0 ? ", " : "")}{size}, ...), expected ({string.Join(", ", shape)})");
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long bytes = count * ElementSize(dtype);
        if (bytes > _bytes.Length - Position) throw Fail($"'{name}' ends early: {bytes:N0} bytes announced, {_bytes.Length - Position:N0} left");
        var data = _bytes.AsSpan(Position, (int)bytes);
        if (dtype == Float32)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data);
            foreach (var f in floats)
                if (!float.IsFinite(f)) throw Fail($"'{name}' holds {f}");
        }
        Position += (int)bytes;
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw Fail($"{_bytes.Length - Position:N0} bytes follow the last entry");
    }

    public FormatException Fail(string why) => new($"{_what}: {why} (at byte {Position:N0})");

    public const int Float32 = 6;

    private static long ElementSize(int dtype) => dtype switch
    {
        0 or 1 or 11 => 1, // uint8, int8, bool
        2 or 5 or 15 => 2, // int16, float16, bfloat16
        3 or 6 => 4,       // int32, float32
        4 or 7 => 8,       // int64, float64
        _ => throw new FormatException($"element type {dtype} is not one a model file holds"),
    };

    private byte ReadByte()
    {
        if (Position >= _bytes.Length) throw Fail("it ends early");
        return _bytes[Position++];
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _bytes.Length - Position) throw Fail("it ends early");
        var span = _bytes.AsSpan(Position, length);
        Position += length;
        return span;
    }
}
