<#
.SYNOPSIS
    Measures what hostile input files do to a process running the module: its peak memory (VmHWM) over a warmed-up
    baseline, the error ids, and whether the process survives a damaged generator state.
.DESCRIPTION
    Makes the files in a temporary folder (a model whose weights inflate to 512 MB, a model whose generator state
    libtorch rejects, an IDX header claiming 2,000,000 images in a 2 KB file, a PNG header of 40,000 x 40,000 pixels,
    an npz claiming 100 million images, a 12 MB ONNX file of 6 million empty initializers, a PyTorch state_dict whose
    pickle rebuilds a tensor 150,000 times and drops the copies), then runs each case in a fresh child pwsh. Linux
    only (/proc/self/status).
.EXAMPLE
    dotnet pwsh ./bench/Measure-HostileInput.ps1 -ModuleManifest ./out/Mnist/Mnist.psd1
#>
param([Parameter(Mandatory)] [string] $ModuleManifest)

$ErrorActionPreference = 'Stop'
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
$folder = Join-Path ([IO.Path]::GetTempPath()) ("mnist-hostile-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $folder | Out-Null

function Invoke-Child([string] $Script) {
    $output = & dotnet pwsh -NoProfile -NonInteractive -Command $Script 2>&1 | Out-String
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output.Trim() }
}

$good = Join-Path $folder 'good.mnist'
$goodOnnx = Join-Path $folder 'good.onnx'
$goodPt = Join-Path $folder 'good.pt'
Invoke-Child "Import-Module '$ModuleManifest'; `$m = Import-MnistData -TrainCount 600 -TestCount 100 | Invoke-MnistTraining -Model (New-MnistModel -Seed 3 -HiddenUnits 32) -Epochs 1 -ValidationSplit 0 -Quiet; foreach (`$p in '$good', '$goodOnnx', '$goodPt') { `$m | Export-MnistModel -Path `$p }" | Out-Null

. (Join-Path $PSScriptRoot '../tests/pester/HostileFiles.ps1')
function Write-BigEndian([System.Collections.Generic.List[byte]] $To, [uint32] $Value) { $b = [BitConverter]::GetBytes($Value); [array]::Reverse($b); $To.AddRange($b) }

$bomb = New-HostileModel -Folder $folder -GoodModel $good 'bomb.mnist' 'weights.bin' { param($bytes, $out) $zeros = [byte[]]::new(1MB); foreach ($i in 1..512) { $out.Write($zeros, 0, $zeros.Length) } }
$generator = New-HostileModel -Folder $folder -GoodModel $good 'generator.mnist' 'generator.bin' { param($bytes, $out) [BitConverter]::GetBytes([int]0).CopyTo($bytes, 8); $out.Write($bytes, 0, $bytes.Length) }

$idx = Join-Path $folder 'idx'
New-Item -ItemType Directory $idx | Out-Null
foreach ($file in @(
        @{ Name = 'train-images-idx3-ubyte'; Header = @(2051, 2000000, 28, 28); Data = 784 * 3 },
        @{ Name = 'train-labels-idx1-ubyte'; Header = @(2049, 3); Data = 3 },
        @{ Name = 't10k-images-idx3-ubyte'; Header = @(2051, 3, 28, 28); Data = 784 * 3 },
        @{ Name = 't10k-labels-idx1-ubyte'; Header = @(2049, 3); Data = 3 })) {
    $bytes = [System.Collections.Generic.List[byte]]::new()
    foreach ($value in $file.Header) { Write-BigEndian $bytes $value }
    $bytes.AddRange([byte[]]::new($file.Data))
    [IO.File]::WriteAllBytes((Join-Path $idx $file.Name), $bytes.ToArray())
}

$png = Join-Path $folder 'huge.png'
New-HugePngHeader -Path $png -Side 40000
$npz = Join-Path $folder 'absurd.npz'
New-AbsurdNpz -Path $npz
$initializers = New-EmptyInitializersOnnx (Join-Path $folder 'initializers.onnx') $goodOnnx 6000000
$rebuilds = New-HostilePickle (Join-Path $folder 'rebuilds.pt') $goodPt { param($bytes) Add-DroppedRebuilds $bytes 150000 }

$cases = [ordered]@{
    'model whose weights inflate to 512 MB' = "Import-MnistModel '$bomb'"
    'model with a generator state libtorch rejects' = "Import-MnistModel '$generator'"
    'IDX header claiming 2,000,000 images' = "Import-MnistData -Path '$idx'"
    'PNG header of 40,000 x 40,000 pixels' = "Get-MnistPrediction -Model `$model -Path '$png'"
    'npz claiming 100 million images' = "Import-MnistData -Path '$npz'"
    'ONNX file of 6 million empty initializers (12 MB)' = "Import-MnistModel '$initializers'"
    'PyTorch pickle rebuilding a tensor 150,000 times' = "Import-MnistModel '$rebuilds'"
}
foreach ($case in $cases.GetEnumerator()) {
    $script = @"
Import-Module '$ModuleManifest'
function Get-Hwm { [long]((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '') * 1KB }
`$model = Import-MnistModel '$good'
[GC]::Collect()
`$base = Get-Hwm
try { $($case.Value) -ErrorAction Stop | Out-Null; `$id = 'none' } catch { `$id = `$_.FullyQualifiedErrorId }
'{0}|{1}' -f `$id, ((Get-Hwm) - `$base)
"@
    $result = Invoke-Child $script
    $last = ($result.Output -split "`n")[-1]
    $id, $growth = if ($last -match '^(.+)\|(\d+)$') { $Matches[1], [math]::Round([long]$Matches[2] / 1MB) } else { "process ended (exit code $($result.ExitCode))", '-' }
    [pscustomobject]@{ Case = $case.Key; ErrorId = ($id -split ',')[0]; PeakGrowthMB = $growth; ExitCode = $result.ExitCode }
}
Remove-Item $folder -Recurse -Force
