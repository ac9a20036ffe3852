# Makes hostile files for tests/pester/Hostile.Tests.ps1 and bench/Measure-HostileInput.ps1.
Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

# A copy of a good model file, in $Folder, with one zip entry's bytes replaced by what $Change writes.
function New-HostileModel {
    param([string] $Name, [string] $Entry, [scriptblock] $Change, [string] $Folder, [string] $GoodModel)
    $path = Join-Path $Folder $Name
    Copy-Item $GoodModel $path
    $zip = [System.IO.Compression.ZipFile]::Open($path, 'Update')
    try {
        $old = $zip.GetEntry($Entry)
        $stream = $old.Open(); $buffer = [System.IO.MemoryStream]::new(); $stream.CopyTo($buffer); $stream.Dispose()
        $old.Delete()
        $output = $zip.CreateEntry($Entry, [System.IO.Compression.CompressionLevel]::Fastest).Open()
        try { & $Change $buffer.ToArray() $output } finally { $output.Dispose() }
    } finally { $zip.Dispose() }
    $path
}

# A valid PNG whose header claims $Side x $Side pixels, in about a hundred bytes.
function New-HugePngHeader {
    param([string] $Path, [uint32] $Side = 40000)
    function Get-Crc32([byte[]] $Data) {
        [long] $crc = 0xFFFFFFFFL
        foreach ($b in $Data) { $crc = $crc -bxor $b; for ($k = 0; $k -lt 8; $k++) { $crc = if ($crc -band 1) { ($crc -shr 1) -bxor 0xEDB88320L } else { $crc -shr 1 } } }
        [uint32]($crc -bxor 0xFFFFFFFFL)
    }
    function Get-BigEndian([uint32] $Value) { $b = [BitConverter]::GetBytes($Value); [array]::Reverse($b); $b }
    $bytes = [System.Collections.Generic.List[byte]]::new([byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A))
    foreach ($chunk in @(
            @{ Type = 'IHDR'; Data = [byte[]]((Get-BigEndian $Side) + (Get-BigEndian $Side) + (8, 0, 0, 0, 0)) },
            @{ Type = 'IDAT'; Data = [byte[]](0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01) },
            @{ Type = 'IEND'; Data = [byte[]]@() })) {
        $typed = [byte[]]([Text.Encoding]::ASCII.GetBytes($chunk.Type) + $chunk.Data)
        $bytes.AddRange([byte[]](Get-BigEndian $chunk.Data.Length)); $bytes.AddRange($typed); $bytes.AddRange([byte[]](Get-BigEndian (Get-Crc32 $typed)))
    }
    [IO.File]::WriteAllBytes($Path, $bytes.ToArray())
}

# A Keras-style npz whose x_train.npy header claims 100 million 28x28 images over two images' bytes.
function New-AbsurdNpz {
    param([string] $Path)
    $zip = [System.IO.Compression.ZipFile]::Open($Path, 'Create')
    try {
        $stream = $zip.CreateEntry('x_train.npy').Open()
        $header = "{'descr': '|u1', 'fortran_order': False, 'shape': (100000000, 28, 28), }".PadRight(117) + "`n"
        $npy = [byte[]]((0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0) + [BitConverter]::GetBytes([uint16]$header.Length) + [Text.Encoding]::ASCII.GetBytes($header) + [byte[]]::new(1568))
        $stream.Write($npy, 0, $npy.Length); $stream.Dispose()
    } finally { $zip.Dispose() }
}
