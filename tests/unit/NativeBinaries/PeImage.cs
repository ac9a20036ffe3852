using System.Buffers.Binary;
using System.Reflection.PortableExecutable;
using System.Text;

namespace Mnist.Core.Tests.NativeBinaries;

/// <summary>
/// The names a Windows DLL exports and imports, read from its PE export and import tables. The headers come from
/// System.Reflection.PortableExecutable; the two tables are read here, every entry of them: some readers stop at
/// 8,192 exports by default, and torch_cpu.dll exports far more, which would show as false misses.
/// </summary>
internal sealed class PeImage
{
    private PeImage(Machine machine, IReadOnlySet<string> exports, IReadOnlyDictionary<string, IReadOnlyList<string>> imports)
    {
        Machine = machine;
        Exports = exports;
        ImportsByDll = imports;
    }

    public Machine Machine { get; }

    public IReadOnlySet<string> Exports { get; }

    /// <summary>Imported names by the DLL they are bound to (DLL names compared without regard to case).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ImportsByDll { get; }

    /// <summary>Imports by ordinal, which name no symbol (counted, so a test can say there are none).</summary>
    public int OrdinalImports { get; private set; }

    public static PeImage Read(string path)
    {
        using var file = File.OpenHandle(path);
        using var stream = new FileStream(file, FileAccess.Read);
        using var pe = new PEReader(stream, PEStreamOptions.LeaveOpen);
        var headers = pe.PEHeaders;
        var sections = headers.SectionHeaders;
        bool is64 = headers.PEHeader!.Magic == PEMagic.PE32Plus;

        byte[] Block(DirectoryEntry entry) => entry.Size == 0 ? Array.Empty<byte>() : ReadAt(file, FileOffset(sections, entry.RelativeVirtualAddress), entry.Size);

        // Exports: the directory, its name pointer table and the names themselves lie within the export data.
        var exports = new HashSet<string>(StringComparer.Ordinal);
        var exportEntry = headers.PEHeader.ExportTableDirectory;
        var exportData = Block(exportEntry);
        if (exportData.Length >= 40)
        {
            int numberOfNames = (int)U32(exportData, 24);
            int namesRva = (int)U32(exportData, 32);
            var namePointers = ReadAt(file, FileOffset(sections, namesRva), checked(numberOfNames * 4));
            for (int i = 0; i < numberOfNames; i++)
            {
                int nameRva = (int)U32(namePointers, i * 4);
                int inBlock = nameRva - exportEntry.RelativeVirtualAddress;
                exports.Add(inBlock >= 0 && inBlock < exportData.Length ? CString(exportData, inBlock) : CString(ReadAt(file, FileOffset(sections, nameRva), 1024), 0));
            }
        }

        // Imports: one descriptor per DLL (20 bytes, a zeroed one ends them); each points to a table of thunks, each
        // an ordinal (top bit set) or the address of a hint and a name.
        var imports = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var importEntry = headers.PEHeader.ImportTableDirectory;
        int ordinals = 0;
        byte[] At(int rva, int count) => ReadAt(file, FileOffset(sections, rva), count);
        string NameAt(int rva) => CString(At(rva, 4096), 0);   // MSVC names run long; none near 4 KB
        for (int descriptor = importEntry.RelativeVirtualAddress; importEntry.Size > 0; descriptor += 20)
        {
            var entry = At(descriptor, 20);
            uint lookup = U32(entry, 0), nameRva = U32(entry, 12), thunks = U32(entry, 16);
            if (lookup == 0 && nameRva == 0 && thunks == 0) break;
            var dll = NameAt((int)nameRva);
            var names = new List<string>();
            int width = is64 ? 8 : 4;
            for (int thunk = (int)(lookup != 0 ? lookup : thunks); ; thunk += width)
            {
                var slot = At(thunk, width);
                ulong value = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(slot) : U32(slot, 0);
                if (value == 0) break;
                bool byOrdinal = is64 ? (value & 0x8000_0000_0000_0000) != 0 : (value & 0x8000_0000) != 0;
                if (byOrdinal) { ordinals++; continue; }
                names.Add(NameAt((int)(value & 0x7FFF_FFFF) + 2));   // after the two-byte hint
            }
            imports[dll] = imports.TryGetValue(dll, out var earlier) ? earlier.Concat(names).ToList() : names;
        }
        return new PeImage(headers.CoffHeader.Machine, exports, imports) { OrdinalImports = ordinals };
    }

    private static int FileOffset(IReadOnlyList<SectionHeader> sections, int rva)
    {
        foreach (var section in sections)
            if (rva >= section.VirtualAddress && rva < section.VirtualAddress + Math.Max(section.VirtualSize, section.SizeOfRawData))
                return rva - section.VirtualAddress + section.PointerToRawData;
        throw new InvalidDataException($"RVA 0x{rva:X} lies in no section.");
    }

    private static byte[] ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, int count)
    {
        var buffer = new byte[count];
        int done = 0;
        while (done < count)
        {
            int read = RandomAccess.Read(file, buffer.AsSpan(done), offset + done);
            if (read == 0) break;
            done += read;
        }
        return buffer;
    }

    private static uint U32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));

    private static string CString(byte[] data, int offset)
    {
        int end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.ASCII.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
    }
}
