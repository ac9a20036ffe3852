<#
.SYNOPSIS
    Marks one required symbol version of an ELF shared library as weak (VER_FLG_WEAK), in place.
.DESCRIPTION
    TorchSharp 0.107.0's libLibTorchSharp.so was linked by a GCC newer than Debian 12's and records a need for
    GLIBCXX_3.4.32, which Debian 12's libstdc++ lacks; the only symbol bound to it is the <iostream> marker
    _ZSt21ios_base_library_initv, which has no relocations against it. Setting VER_FLG_WEAK (0x2) on that entry
    of the .gnu.version_r (SHT_GNU_verneed) section lets the loader accept the library; on a system whose
    libstdc++ has the version the flag changes nothing. Only ever run this on the copy in the build output, never
    on the NuGet cache. Re-check it on every TorchSharp upgrade.
.OUTPUTS
    The number of entries changed (0 when the version is not needed or already weak).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [string] $Version = 'GLIBCXX_3.4.32'
)

$SHT_GNU_verneed = 0x6ffffffe
$VER_FLG_WEAK = 0x2

$bytes = [System.IO.File]::ReadAllBytes($Path)
if ($bytes.Length -lt 64 -or $bytes[0] -ne 0x7f -or $bytes[1] -ne 0x45 -or $bytes[2] -ne 0x4c -or $bytes[3] -ne 0x46) {
    throw "'$Path' is not an ELF file."
}
if ($bytes[4] -ne 2 -or $bytes[5] -ne 1) { throw "'$Path' is not a little-endian 64-bit ELF file." }

$sectionTable = [BitConverter]::ToUInt64($bytes, 0x28)
$sectionSize = [BitConverter]::ToUInt16($bytes, 0x3A)
$sectionCount = [BitConverter]::ToUInt16($bytes, 0x3C)

function Get-Section([int] $index) {
    $at = [long]$sectionTable + [long]$index * $sectionSize
    [pscustomobject]@{
        Type   = [BitConverter]::ToUInt32($bytes, $at + 4)
        Offset = [long][BitConverter]::ToUInt64($bytes, $at + 0x18)
        Size   = [long][BitConverter]::ToUInt64($bytes, $at + 0x20)
        Link   = [BitConverter]::ToUInt32($bytes, $at + 0x28)
        Info   = [BitConverter]::ToUInt32($bytes, $at + 0x2C)
    }
}

function Get-CString([long] $at) {
    $end = $at
    while ($bytes[$end] -ne 0) { $end++ }
    [System.Text.Encoding]::ASCII.GetString($bytes, $at, $end - $at)
}

$changed = 0
for ($i = 0; $i -lt $sectionCount; $i++) {
    $section = Get-Section $i
    if ($section.Type -ne $SHT_GNU_verneed) { continue }
    $strings = Get-Section $section.Link
    $need = $section.Offset
    for ($n = 0; $n -lt $section.Info; $n++) {
        $auxCount = [BitConverter]::ToUInt16($bytes, $need + 2)
        $aux = $need + [BitConverter]::ToUInt32($bytes, $need + 8)
        for ($a = 0; $a -lt $auxCount; $a++) {
            $name = Get-CString ($strings.Offset + [BitConverter]::ToUInt32($bytes, $aux + 8))
            $flags = [BitConverter]::ToUInt16($bytes, $aux + 4)
            if ($name -eq $Version -and -not ($flags -band $VER_FLG_WEAK)) {
                $newFlags = [BitConverter]::GetBytes([uint16]($flags -bor $VER_FLG_WEAK))
                $bytes[$aux + 4] = $newFlags[0]
                $bytes[$aux + 5] = $newFlags[1]
                $changed++
            }
            $aux += [BitConverter]::ToUInt32($bytes, $aux + 12)
        }
        $next = [BitConverter]::ToUInt32($bytes, $need + 12)
        if ($next -eq 0) { break }
        $need += $next
    }
}

if ($changed -gt 0) {
    $temporary = "$Path.$([guid]::NewGuid().ToString('N')).tmp"
    [System.IO.File]::WriteAllBytes($temporary, $bytes)
    Move-Item -LiteralPath $temporary -Destination $Path -Force
}
$changed
