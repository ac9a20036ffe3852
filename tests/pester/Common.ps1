# Shared by every test file: where the built module is, and small helpers.
$script:ModuleManifest = if ($env:MNIST_TEST_MODULE) { $env:MNIST_TEST_MODULE } else { (Resolve-Path "$PSScriptRoot/../../out/Mnist/Mnist.psd1").Path }

function New-TestFolder {
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ("mnist-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $path | Out-Null
    $path
}

# Writes an IDX image or label file (big-endian header) with the given content.
function Write-IdxFile {
    param([string] $Path, [int] $Magic, [int[]] $Dimensions, [byte[]] $Data)
    $header = [System.Collections.Generic.List[byte]]::new()
    foreach ($value in @($Magic) + $Dimensions) {
        $bytes = [BitConverter]::GetBytes([int]$value)
        [array]::Reverse($bytes)
        $header.AddRange($bytes)
    }
    [System.IO.File]::WriteAllBytes($Path, [byte[]]($header.ToArray() + $Data))
}

# A folder with four small, valid IDX files (n training images, m test images of rows x cols).
function New-IdxFolder {
    param([int] $Train = 6, [int] $Test = 3, [int] $Rows = 28, [int] $Columns = 28, [byte[]] $TestLabels)
    $folder = New-TestFolder
    Write-IdxFile "$folder/train-images-idx3-ubyte" 2051 @($Train, $Rows, $Columns) ([byte[]]::new($Train * $Rows * $Columns))
    Write-IdxFile "$folder/train-labels-idx1-ubyte" 2049 @($Train) ([byte[]](0..($Train - 1) | ForEach-Object { $_ % 10 }))
    Write-IdxFile "$folder/t10k-images-idx3-ubyte" 2051 @($Test, $Rows, $Columns) ([byte[]]::new($Test * $Rows * $Columns))
    if (-not $TestLabels) { $TestLabels = [byte[]](0..($Test - 1) | ForEach-Object { $_ % 10 }) }
    Write-IdxFile "$folder/t10k-labels-idx1-ubyte" 2049 @($TestLabels.Count) $TestLabels
    $folder
}

# The module loads its dependencies (SkiaSharp, TorchSharp, ...) in a load context of its own, where PowerShell does
# not look for type names. A test that draws with SkiaSharp uses the module's copy (and so its native resolver) and
# names its types through type accelerators, in this test process only.
function Use-ModuleAssembly([string] $Name) {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Mnist.Core.Data.MnistSample].Assembly)
    $assembly = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new($Name))
    $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
    foreach ($type in $assembly.GetExportedTypes()) {
        if (-not $type.IsGenericTypeDefinition) { $accelerators::Add($type.FullName, $type) }
    }
}
