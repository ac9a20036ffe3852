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
