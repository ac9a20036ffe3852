# Makes hostile files for tests/pester/Hostile.Tests.ps1, tests/pester/ForeignModels.Tests.ps1 and bench/Measure-HostileInput.ps1.
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

# The offset of $Pattern in $Bytes at or after $From, or -1.
function Find-Bytes([byte[]] $Bytes, [byte[]] $Pattern, [int] $From = 0) {
    for ($i = $From; $i -le $Bytes.Length - $Pattern.Length; $i++) {
        $j = 0
        while ($j -lt $Pattern.Length -and $Bytes[$i + $j] -eq $Pattern[$j]) { $j++ }
        if ($j -eq $Pattern.Length) { return $i }
    }
    -1
}

# A copy of a good ONNX file followed by a second 'graph' field (protobuf merges it into the first) of $Count empty
# initializers (GraphProto field 5, length 0: two bytes each); 6 million make a 12 MB file.
function New-EmptyInitializersOnnx {
    param([string] $Path, [string] $GoodOnnx, [int] $Count = 6000000)
    Copy-Item $GoodOnnx $Path
    $stream = [IO.File]::Open($Path, 'Append')
    try {
        $head = [System.Collections.Generic.List[byte]]::new(); $head.Add(0x3A)       # ModelProto.graph, length-delimited
        [long] $length = 2L * $Count
        do { $b = [byte]($length -band 0x7f); $length = $length -shr 7; if ($length) { $b = $b -bor 0x80 }; $head.Add($b) } while ($length)
        $stream.Write($head.ToArray(), 0, $head.Count)
        $block = [byte[]]::new(2 * 65536); for ($i = 0; $i -lt $block.Length; $i += 2) { $block[$i] = 0x2A }
        for ($written = 0; $written -lt $Count; $written += 65536) { $stream.Write($block, 0, 2 * [Math]::Min(65536, $Count - $written)) }
    } finally { $stream.Dispose() }
    $Path
}

# A copy of a good .pt file (and its .json) whose data.pkl is what $Change makes of it (bytes in, bytes out).
function New-HostilePickle {
    param([string] $Path, [string] $GoodPt, [scriptblock] $Change)
    Copy-Item $GoodPt $Path
    Copy-Item ([IO.Path]::ChangeExtension($GoodPt, '.json')) ([IO.Path]::ChangeExtension($Path, '.json'))
    $zip = [System.IO.Compression.ZipFile]::Open($Path, 'Update')
    try {
        $old = $zip.Entries | Where-Object Name -EQ 'data.pkl'
        $entryName = $old.FullName
        $stream = $old.Open(); $buffer = [System.IO.MemoryStream]::new(); $stream.CopyTo($buffer); $stream.Dispose()
        $old.Delete()
        $bytes = [byte[]](& $Change $buffer.ToArray())
        $output = $zip.CreateEntry($entryName).Open(); $output.Write($bytes, 0, $bytes.Length); $output.Dispose()
    } finally { $zip.Dispose() }
    $Path
}

# A state_dict's pickle, then $Copies more rebuilds of its first tensor, each dropped at once (6 bytes each: get the
# function, get the first tensor's arguments, call, pop), before its last SETITEMS.
function Add-DroppedRebuilds([byte[]] $Pickle, [int] $Copies) {
    # The first tensor's arguments are memoized just before its REDUCE: TUPLE, BINPUT n, REDUCE.
    $at = Find-Bytes $Pickle ([byte[]](0x74, 0x71)) (Find-Bytes $Pickle ([Text.Encoding]::ASCII.GetBytes('_rebuild_tensor_v2')))
    while ($Pickle[$at + 3] -ne 0x52) { $at = Find-Bytes $Pickle ([byte[]](0x74, 0x71)) ($at + 1) }
    $argsMemo = $Pickle[$at + 2]
    $extra = [System.Collections.Generic.List[byte]]::new()
    $extra.AddRange([Text.Encoding]::ASCII.GetBytes("ctorch._utils`n_rebuild_tensor_v2`n"))
    $extra.AddRange([byte[]](0x71, 0xfe, 0x30))                         # BINPUT 254, POP
    $one = [byte[]](0x68, 0xfe, 0x68, $argsMemo, 0x52, 0x30)             # BINGET fn, BINGET args, REDUCE, POP
    for ($i = 0; $i -lt $Copies; $i++) { $extra.AddRange($one) }
    $end = $Pickle.Length - 2                                            # 'u.': SETITEMS, STOP
    , [byte[]]($Pickle[0..($end - 1)] + $extra.ToArray() + $Pickle[$end..($Pickle.Length - 1)])
}
