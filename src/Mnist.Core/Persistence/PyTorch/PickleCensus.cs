using System.Buffers.Binary;
using System.Text;

namespace Mnist.Core.Persistence.PyTorch;

/// <summary>
/// What a state_dict's pickle would make if it were run, found without running it: its opcodes are followed on a
/// stack of stand-ins (names, numbers, tuples, storages, tensors) that cost a few bytes each, whatever they stand for.
/// It counts the storages the pickle loads and the tensors it rebuilds, with the bytes each would allocate, so that a
/// pickle that rebuilds a tensor thousands of times (and drops the copies), or loads storages larger than the file,
/// is refused before the real unpickler allocates anything. Opcodes outside pickle's protocols 0-5 (or those no
/// state_dict uses: extension codes, out-of-band buffers) make the census fail, which refuses the file.
/// </summary>
internal sealed class PickleCensus
{
    /// <summary>
    /// A state_dict's data.pkl takes about 150 bytes a tensor: 48 KB for the module's largest network (64 layers of
    /// up to 5 tensors). 1 MB is twenty times that; the census's own stand-ins stay within a few tens of MB.
    /// </summary>
    public const int MaxPickleBytes = 1 << 20;

    /// <summary>Stack and memo entries: a state_dict needs a few per tensor.</summary>
    private const int MaxEntries = 1 << 16;

    /// <summary>Strings longer than this are skipped (a state_dict's names are short): a stand-in, not the text, goes on the stack.</summary>
    private const int MaxKeptString = 4096;

    /// <summary>
    /// Text and bytes handed to calls other than tensor rebuilds (the unpickler's constructors copy them: bytearray,
    /// a codec's encode): a state_dict passes a few bytes a tensor ('storage', a key, 'cpu'); a pickle that passes one
    /// long string to thousands of calls is refused past this.
    /// </summary>
    public const int MaxCallBytes = 1 << 20;

    public int StorageLoads { get; private set; }
    public long StorageBytes { get; private set; }
    public int TensorRebuilds { get; private set; }
    public long TensorBytes { get; private set; }
    public long CallBytes { get; private set; }

    private readonly List<object> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object> _memo = new();
    private readonly Stream _input;
    private long _read;

    private PickleCensus(Stream input) => _input = input;

    /// <summary>Follows the pickle to its STOP; throws <see cref="FormatException"/> saying what is wrong and where.</summary>
    public static PickleCensus Of(Stream pickle)
    {
        var census = new PickleCensus(new BufferedStream(pickle, 64 << 10));
        census.Run();
        return census;
    }

    private sealed record Global(string Module, string Name);
    private sealed record Storage(long Bytes, int ElementSize);
    /// <summary>Text or bytes too long to keep, by their size.</summary>
    private sealed record Sized(long Bytes);
    private sealed record Tuple(object[] Items)
    {
        public static readonly Tuple Empty = new(Array.Empty<object>());
    }
    private sealed class Other { public static readonly Other Value = new(); }

    private void Run()
    {
        while (true)
        {
            long at = _read;
            byte op = Byte();
            switch (op)
            {
                case 0x80: Byte(); break;                      // PROTO
                case 0x95: Bytes(8); break;                    // FRAME
                case (byte)'.': return;                        // STOP
                case (byte)'(': _marks.Add(_stack.Count); break; // MARK
                case (byte)'0': Pop(); break;                  // POP
                case (byte)'1': PopToMark(); break;            // POP_MARK
                case (byte)'2': Push(Peek()); break;           // DUP
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                case (byte)'K': Push((long)Byte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                case 0x8a: Push(LongOf(Bytes(Byte()))); break; // LONG1
                case 0x8b: { int n = Length(4); if (n > 8) { Skip(n); Push(long.MaxValue); } else Push(LongOf(Bytes(n))); break; } // LONG4
                case (byte)'I': Push(IntLine()); break;        // INT (and the protocol 0 booleans 01/00)
                case (byte)'L': Push(IntLine()); break;        // LONG
                case (byte)'N' or 0x88 or 0x89: Push(Other.Value); break; // None, True, False
                case (byte)'G': Bytes(8); Push(Other.Value); break;
                case (byte)'F': Line(); Push(Other.Value); break;
                case (byte)'X': Push(Text(Length(4))); break;  // BINUNICODE
                case 0x8c: Push(Text(Byte())); break;          // SHORT_BINUNICODE
                case 0x8d: Push(Text(Length(8))); break;       // BINUNICODE8
                case (byte)'T': Push(Text(Length(4))); break;  // BINSTRING
                case (byte)'U': Push(Text(Byte())); break;     // SHORT_BINSTRING
                case (byte)'S' or (byte)'V': Push(Line()); break; // STRING, UNICODE
                case (byte)'B': Push(Blob(Length(4))); break;
                case (byte)'C': Push(Blob(Byte())); break;
                case 0x8e or 0x96: Push(Blob(Length(8))); break;
                case (byte)')': Push(Tuple.Empty); break;
                case (byte)'t': Push(new Tuple(PopToMark())); break;
                case 0x85: Push(new Tuple(new[] { Pop() })); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new Tuple(new[] { a, b })); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new Tuple(new[] { a, b, c })); break; }
                case (byte)']' or (byte)'}' or 0x8f: Push(Other.Value); break; // EMPTY_LIST, EMPTY_DICT, EMPTY_SET
                case (byte)'l' or (byte)'d' or 0x91: PopToMark(); Push(Other.Value); break; // LIST, DICT, FROZENSET
                case (byte)'a': Pop(); Peek(); break;          // APPEND
                case (byte)'s': Pop(); Pop(); Peek(); break;   // SETITEM
                case (byte)'e' or (byte)'u' or 0x90: PopToMark(); Peek(); break; // APPENDS, SETITEMS, ADDITEMS
                case (byte)'p': Memo(Index(Line())); break;
                case (byte)'q': Memo(Byte()); break;
                case (byte)'r': Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))); break;
                case 0x94: Memo(_memo.Count); break;           // MEMOIZE
                case (byte)'g': Push(Recall(Index(Line()))); break;
                case (byte)'h': Push(Recall(Byte())); break;
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break;
                case (byte)'c': { var module = Line(); Push(new Global(module, Line())); break; }
                case 0x93: { var name = Pop(); var module = Pop(); Push(new Global(module as string ?? "?", name as string ?? "?")); break; }
                case (byte)'R': { var args = Pop(); Push(Call(Pop(), args)); break; } // REDUCE
                case (byte)'b': Pop(); Peek(); break;          // BUILD
                case 0x81: Passed(Pop()); Pop(); Push(Other.Value); break; // NEWOBJ
                case 0x92: Passed(Pop()); Passed(Pop()); Pop(); Push(Other.Value); break; // NEWOBJ_EX
                case (byte)'i': Line(); Line(); Passed(new Tuple(PopToMark())); Push(Other.Value); break; // INST
                case (byte)'o': Passed(new Tuple(PopToMark())); Push(Other.Value); break; // OBJ
                case (byte)'P': Line(); StorageLoads++; Push(Other.Value); break; // PERSID
                case (byte)'Q': Push(Load(Pop())); break;      // BINPERSID
                default:
                    throw Fail(at, $"opcode 0x{op:x2} is not one a state_dict's pickle uses");
            }
        }
    }

    /// <summary>torch.save's persistent id of a storage: ('storage', torch.FloatStorage, key, location, numel).</summary>
    private object Load(object pid)
    {
        StorageLoads++;
        if (pid is not Tuple { Items: ["storage", Global type, _, _, long count] } || count < 0)
            return Other.Value; // the real unpickler refuses it; nothing is allocated from it here
        int size = ElementSize(type.Name) ?? throw Fail(_read, $"a storage of type '{type.Module}.{type.Name}'");
        StorageBytes = Add(StorageBytes, Multiply(count, size));
        return new Storage(count * size, size);
    }

    /// <summary>A call: a tensor rebuilt from a storage (counted, with its bytes), or anything else (a stand-in).</summary>
    private object Call(object callable, object args)
    {
        if (callable is not Global { Module: "torch._utils" } rebuild || !rebuild.Name.StartsWith("_rebuild_", StringComparison.Ordinal))
        {
            Passed(args);
            return Other.Value;
        }
        TensorRebuilds++;
        // _rebuild_tensor(_v2)(storage, offset, size, stride, ...): zeros of the size, then the storage's bytes.
        if (args is Tuple { Items: [Storage storage, _, Tuple size, ..] })
        {
            long elements = 1;
            foreach (var dimension in size.Items)
                elements = dimension is long d and >= 0 ? Multiply(elements, d) : throw Fail(_read, "a tensor's size is not a list of counts");
            TensorBytes = Add(TensorBytes, Multiply(elements, storage.ElementSize));
        }
        return Other.Value; // a tensor's stand-in: nothing the census needs from it
    }

    /// <summary>Counts the text and bytes a call is given (through tuples; a list or dict is a stand-in without contents).</summary>
    private void Passed(object args)
    {
        CallBytes = Add(CallBytes, SizeOf(args, 0));
        if (CallBytes > MaxCallBytes) throw Fail(_read, $"it hands more than {MaxCallBytes >> 20} MB of text and bytes to calls");
    }

    private static long SizeOf(object value, int depth) => value switch
    {
        string text => text.Length,
        Sized sized => sized.Bytes,
        Tuple tuple when depth < 8 => tuple.Items.Sum(item => SizeOf(item, depth + 1)),
        _ => 0,
    };

    private static int? ElementSize(string storage) => storage switch
    {
        "DoubleStorage" or "LongStorage" or "ComplexFloatStorage" => 8,
        "FloatStorage" or "IntStorage" => 4,
        "HalfStorage" or "ShortStorage" or "BFloat16Storage" => 2,
        "CharStorage" or "ByteStorage" or "BoolStorage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => null,
    };

    private long Multiply(long a, long b)
    {
        try { return checked(a * b); }
        catch (OverflowException) { throw Fail(_read, "a size overflows"); }
    }

    private long Add(long a, long b)
    {
        try { return checked(a + b); }
        catch (OverflowException) { throw Fail(_read, "the sizes overflow"); }
    }

    private void Push(object value)
    {
        if (_stack.Count >= MaxEntries) throw Fail(_read, $"more than {MaxEntries:N0} values on the stack");
        _stack.Add(value);
    }

    private object Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count)) throw Fail(_read, "the stack is empty");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object Peek() => _stack.Count > 0 ? _stack[^1] : throw Fail(_read, "the stack is empty");

    private object[] PopToMark()
    {
        if (_marks.Count == 0) throw Fail(_read, "no mark to return to");
        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        if (mark > _stack.Count) throw Fail(_read, "a mark past the stack's end");
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memo(long index)
    {
        if (_memo.Count >= MaxEntries && !_memo.ContainsKey(index)) throw Fail(_read, $"more than {MaxEntries:N0} memo entries");
        _memo[index] = Peek();
    }

    private long Index(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : throw Fail(_read, $"'{text}' is not a memo index");

    private object Recall(long index) => _memo.TryGetValue(index, out var value) ? value : throw Fail(_read, $"memo {index} was never stored");

    private static long LongOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8) return long.MaxValue; // beyond any count a state_dict holds: sizes built from it overflow and are refused
        long value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (bytes.Length is > 0 and < 8 && (bytes[^1] & 0x80) != 0) value -= 1L << (8 * bytes.Length); // two's complement
        return value;
    }

    private long IntLine()
    {
        var text = Line().TrimEnd('L');
        return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;
    }

    private int Length(int width)
    {
        var bytes = Bytes(width);
        ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (length > MaxPickleBytes) throw Fail(_read, $"a value of {length:N0} bytes");
        return (int)length;
    }

    private object Text(int length)
    {
        if (length > MaxKeptString)
        {
            Skip(length);
            return new Sized(length);
        }
        return Encoding.UTF8.GetString(Bytes(length));
    }

    private Sized Blob(int length)
    {
        Skip(length);
        return new Sized(length);
    }

    private string Line()
    {
        var bytes = new List<byte>();
        for (byte b; (b = Byte()) != (byte)'\n';)
        {
            if (bytes.Count >= MaxKeptString) throw Fail(_read, "a line is too long");
            bytes.Add(b);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private byte Byte() => Bytes(1)[0];

    private readonly byte[] _buffer = new byte[MaxKeptString];

    private ReadOnlySpan<byte> Bytes(int count)
    {
        var span = _buffer.AsSpan(0, count);
        Read(span);
        return span;
    }

    private void Skip(int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, _buffer.Length);
            Read(_buffer.AsSpan(0, n));
            count -= n;
        }
    }

    private void Read(Span<byte> span)
    {
        if (_read + span.Length > MaxPickleBytes) throw Fail(_read, $"the pickle goes on past {MaxPickleBytes >> 20} MB");
        if (_input.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) < span.Length) throw Fail(_read, "the pickle ends before its STOP");
        _read += span.Length;
    }

    private static FormatException Fail(long at, string why) => new($"{why} (pickle byte {at:N0})");
}
