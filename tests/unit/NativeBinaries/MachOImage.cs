using System.Buffers.Binary;
using System.Text;

namespace Mnist.Core.Tests.NativeBinaries;

/// <summary>
/// A Mach-O dylib's arm64 image, as the symbol table tells it: the libraries it loads (in load-command order, so an
/// undefined symbol's two-level-namespace ordinal names its library), its own install name, the external symbols
/// it defines, and each undefined symbol with the library it must come from. Reads a thin 64-bit file or the arm64
/// slice of a universal one; only the header, the load commands and the symbol and string tables are read.
/// </summary>
internal sealed class MachOImage
{
    private const uint Magic64 = 0xFEEDFACF, FatMagic = 0xCAFEBABE;
    private const uint CpuArm64 = 0x0100000C;
    private const uint LcSymtab = 0x2, LcIdDylib = 0xD, LcLoadDylib = 0xC, LcLoadWeakDylib = 0x80000018,
        LcReexportDylib = 0x8000001F, LcLazyLoadDylib = 0x20, LcLoadUpwardDylib = 0x80000023, LcBuildVersion = 0x32;
    private const uint MhTwoLevel = 0x80;

    public required string InstallName { get; init; }

    public required bool TwoLevelNamespace { get; init; }

    /// <summary>Install names of the libraries it loads; ordinal n is entry n-1.</summary>
    public required IReadOnlyList<string> Dylibs { get; init; }

    /// <summary>Install names of the libraries whose exports it re-exports as its own.</summary>
    public required IReadOnlyList<string> ReexportedDylibs { get; init; }

    public required IReadOnlySet<string> Exports { get; init; }

    /// <summary>Undefined external symbols: name, library ordinal (0 self, 0xFE main executable, 0xFF flat lookup), weak.</summary>
    public required IReadOnlyList<(string Name, int Ordinal, bool Weak)> Imports { get; init; }

    /// <summary>The minimum macOS version it was built for (LC_BUILD_VERSION), e.g. "15.0".</summary>
    public string? MinimumMacOS { get; init; }

    public static MachOImage Read(string path)
    {
        using var file = File.OpenHandle(path);
        long slice = 0;
        var head = ReadAt(file, 0, 4096);
        if (BinaryPrimitives.ReadUInt32BigEndian(head) == FatMagic)
        {
            uint count = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4));
            slice = -1;
            for (int i = 0; i < count; i++)
            {
                var arch = head.AsSpan(8 + i * 20);
                if (BinaryPrimitives.ReadUInt32BigEndian(arch) == CpuArm64) slice = BinaryPrimitives.ReadUInt32BigEndian(arch[8..]);
            }
            if (slice < 0) throw new InvalidDataException($"'{path}' has no arm64 slice.");
            head = ReadAt(file, slice, 4096);
        }
        if (U32(head, 0) != Magic64) throw new InvalidDataException($"'{path}' is not a 64-bit Mach-O file.");
        if (U32(head, 4) != CpuArm64) throw new InvalidDataException($"'{path}' is not arm64 (cputype 0x{U32(head, 4):X}).");
        int commandCount = (int)U32(head, 16), commandBytes = (int)U32(head, 20);
        bool twoLevel = (U32(head, 24) & MhTwoLevel) != 0;
        var commands = ReadAt(file, slice + 32, commandBytes);

        string installName = "";
        string? minimumMacOS = null;
        var dylibs = new List<string>();
        var reexports = new List<string>();
        uint symoff = 0, nsyms = 0, stroff = 0, strsize = 0;
        for (int i = 0, at = 0; i < commandCount; i++)
        {
            uint command = U32(commands, at), size = U32(commands, at + 4);
            switch (command)
            {
                case LcSymtab:
                    (symoff, nsyms, stroff, strsize) = (U32(commands, at + 8), U32(commands, at + 12), U32(commands, at + 16), U32(commands, at + 20));
                    break;
                case LcIdDylib:
                    installName = CString(commands, at + (int)U32(commands, at + 8));
                    break;
                case LcLoadDylib or LcLoadWeakDylib or LcReexportDylib or LcLazyLoadDylib or LcLoadUpwardDylib:
                    var name = CString(commands, at + (int)U32(commands, at + 8));
                    dylibs.Add(name);
                    if (command == LcReexportDylib) reexports.Add(name);
                    break;
                case LcBuildVersion:
                    uint minos = U32(commands, at + 12);
                    minimumMacOS = $"{minos >> 16}.{(minos >> 8) & 0xFF}";
                    break;
            }
            at += (int)size;
        }

        var symbols = ReadAt(file, slice + symoff, checked((int)nsyms * 16));
        var strings = ReadAt(file, slice + stroff, checked((int)strsize));
        var exports = new HashSet<string>(StringComparer.Ordinal);
        var imports = new List<(string, int, bool)>();
        for (int i = 0; i < nsyms; i++)
        {
            int entry = i * 16;
            byte type = symbols[entry + 4];
            ushort desc = BinaryPrimitives.ReadUInt16LittleEndian(symbols.AsSpan(entry + 6));
            if ((type & 0xE0) != 0 || (type & 0x01) == 0) continue;   // debugging entries; symbols that are not external
            var name = CString(strings, (int)U32(symbols, entry));
            switch (type & 0x0E)
            {
                case 0x0:   // N_UNDF: to be bound from the library its ordinal names
                    imports.Add((name, (desc >> 8) & 0xFF, (desc & 0x40) != 0));
                    break;
                case 0xE:   // N_SECT: defined here
                    exports.Add(name);
                    break;
            }
        }
        return new MachOImage
        {
            InstallName = installName, TwoLevelNamespace = twoLevel, Dylibs = dylibs, ReexportedDylibs = reexports,
            Exports = exports, Imports = imports, MinimumMacOS = minimumMacOS,
        };
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
        return Encoding.UTF8.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
    }
}
