using System.Buffers.Binary;
using System.Text;

namespace Mnist.Core.Runtime;

/// <summary>
/// Marks one required symbol version of an ELF shared library as weak (VER_FLG_WEAK), the fix DESIGN.md describes:
/// TorchSharp 0.107.0's libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (only for the &lt;iostream&gt; marker
/// _ZSt21ios_base_library_initv, which nothing relocates against) that Debian 12's libstdc++ lacks. With the flag
/// the loader accepts the library; where libstdc++ has the version it changes nothing. Applied only to the copy in
/// the runtime folder. Re-check it on every TorchSharp upgrade. The same logic as tools/Set-WeakVersionNeed.ps1.
/// </summary>
public static class WeakVersionNeed
{
    public const string DebianVersion = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Returns how many entries were changed (0 when the version is not needed or already weak).</summary>
    public static int Apply(string path, string version = DebianVersion)
    {
        var bytes = File.ReadAllBytes(path);
        var changed = Mark(bytes, version, path);
        if (changed > 0) AtomicWrite(path, bytes);
        return changed;
    }

    public static int Mark(byte[] bytes, string version, string name)
    {
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Bad(name, "not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1) throw Bad(name, "not a little-endian 64-bit ELF file");
        var span = bytes.AsSpan();
        long sectionTable = (long)U64(span, 0x28, name);
        int sectionSize = U16(span, 0x3A, name);
        int sectionCount = U16(span, 0x3C, name);
        if (sectionSize < 0x40) throw Bad(name, "its section headers are too small");
        int changed = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            long at = sectionTable + (long)i * sectionSize;
            if (U32(span, at + 4, name) != ShtGnuVerneed) continue;
            long offset = (long)U64(span, at + 0x18, name);
            uint link = U32(span, at + 0x28, name);
            uint count = U32(span, at + 0x2C, name);
            if (link >= sectionCount) throw Bad(name, "its version section links to no string table");
            long strings = (long)U64(span, sectionTable + link * sectionSize + 0x18, name);
            long need = offset;
            for (uint n = 0; n < count; n++)
            {
                int auxCount = U16(span, need + 2, name);
                long aux = need + U32(span, need + 8, name);
                for (int a = 0; a < auxCount; a++)
                {
                    var entryName = CString(span, strings + U32(span, aux + 8, name), name);
                    ushort flags = U16(span, aux + 4, name);
                    if (entryName == version && (flags & VerFlgWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(span[(int)(aux + 4)..], (ushort)(flags | VerFlgWeak));
                        changed++;
                    }
                    uint nextAux = U32(span, aux + 12, name);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(span, need + 12, name);
                if (next == 0) break;
                need += next;
            }
        }
        return changed;
    }

    private static void AtomicWrite(string path, byte[] bytes)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        File.Move(temporary, path, overwrite: true);
    }

    private static void Check(ReadOnlySpan<byte> span, long at, int size, string name)
    {
        if (at < 0 || at + size > span.Length) throw Bad(name, "it is truncated or its headers point outside it");
    }

    private static ushort U16(ReadOnlySpan<byte> s, long at, string name) { Check(s, at, 2, name); return BinaryPrimitives.ReadUInt16LittleEndian(s[(int)at..]); }
    private static uint U32(ReadOnlySpan<byte> s, long at, string name) { Check(s, at, 4, name); return BinaryPrimitives.ReadUInt32LittleEndian(s[(int)at..]); }
    private static ulong U64(ReadOnlySpan<byte> s, long at, string name) { Check(s, at, 8, name); return BinaryPrimitives.ReadUInt64LittleEndian(s[(int)at..]); }

    private static string CString(ReadOnlySpan<byte> s, long at, string name)
    {
        Check(s, at, 1, name);
        var rest = s[(int)at..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw Bad(name, "a version name is not terminated");
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static MnistException Bad(string name, string why) =>
        new("RuntimeFileInvalid", MnistErrorKind.InvalidData, $"'{name}' cannot be patched: {why}.", name);
}
