# Untrusted input, second round (issue 23): ONNX and PyTorch files changed by someone else, and a model used twice at
# once or after Dispose(). Each hostile file is made here, refused with the module's documented error naming it, and
# the next file of the same call still imports; the memory and time a hostile file costs are measured in a child.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    $script:folder = New-TestFolder
    $script:data = Import-MnistData -TrainCount 1000 -TestCount 100
    $script:trained = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 3 -HiddenUnits 16) -Epochs 1 -ValidationSplit 0 -Quiet
    $script:goodOnnx = Join-Path $folder 'good.onnx'
    $script:goodPt = Join-Path $folder 'good.pt'
    $trained | Export-MnistModel $goodOnnx
    $trained | Export-MnistModel $goodPt

    # A copy of a good file under a new name (a .pt with its .json).
    function Copy-Good([string] $Good, [string] $Name) {
        $path = Join-Path $folder $Name
        Copy-Item $Good $path
        if ($Good -like '*.pt') { Copy-Item ([IO.Path]::ChangeExtension($Good, '.json')) ([IO.Path]::ChangeExtension($path, '.json')) }
        $path
    }

    . "$PSScriptRoot/HostileFiles.ps1"

    # Runs $Script in a child pwsh with the module and a warmed-up model; returns its output with the peak RSS growth
    # (VmHWM) of the measured part and its duration.
    function Invoke-Measured([string] $Script) {
        $child = @"
Import-Module '$ModuleManifest'
function Get-Hwm { [long]((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '') * 1KB }
`$null = Import-MnistModel '$goodOnnx', '$goodPt'
[GC]::Collect()
`$base = Get-Hwm
`$clock = [Diagnostics.Stopwatch]::StartNew()
$Script
'seconds=' + `$clock.Elapsed.TotalSeconds
'growth=' + ((Get-Hwm) - `$base)
"@
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $child 2>&1 | Out-String
        [pscustomobject]@{
            Output = $output
            ExitCode = $LASTEXITCODE
            Seconds = [double]([regex]::Match($output, 'seconds=([\d.]+)').Groups[1].Value)
            Growth = [long]([regex]::Match($output, 'growth=(\d+)').Groups[1].Value)
        }
    }
}

Describe 'Import-MnistModel given hostile ONNX and PyTorch files' {
    It 'refuses an ONNX file whose graph has a Relu changed to Tanh with OnnxGraphMismatch naming the node, and imports the next file' {
        $path = Copy-Good $goodOnnx 'tanh.onnx'
        $bytes = [IO.File]::ReadAllBytes($path)
        $opType = [byte[]](0x22, 0x04) + [Text.Encoding]::ASCII.GetBytes('Relu')   # NodeProto.op_type, 4 bytes
        $at = Find-Bytes $bytes $opType
        $at | Should -BeGreaterThan 0
        [Text.Encoding]::ASCII.GetBytes('Tanh').CopyTo($bytes, $at + 2)
        [IO.File]::WriteAllBytes($path, $bytes)
        $models = Import-MnistModel -LiteralPath $path, $goodOnnx -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'OnnxGraphMismatch,Mnist.Cmdlets.Commands.ImportMnistModelCommand'
        $problems[0].TargetObject | Should -Be $path
        $problems[0].Exception.Message | Should -BeLike "*$path*node 2 ('dense/Relu') is Tanh, the export's node 2 is Relu*"
        @($models).Count | Should -Be 1
        $models[0].FilePath | Should -Be $goodOnnx
    }

    It 'refuses damaged PyTorch metadata (<Case>) with <ErrorId> naming the file, and imports the next file' -TestCases @(
        @{ Case = 'a null spec'; ErrorId = 'PyTorchArchitectureInvalid'; Json = { param($j) $j.spec = $null } }
        @{ Case = 'a null history'; ErrorId = 'PyTorchArchitectureInvalid'; Json = { param($j) $j.history = $null } }
        @{ Case = 'a null dataset name'; ErrorId = 'PyTorchArchitectureInvalid'; Json = { param($j) $j.training_data.name = $null } }
        @{ Case = 'an empty class name'; ErrorId = 'PyTorchArchitectureInvalid'; Json = { param($j) $j.class_names[3] = '' } }
        @{ Case = 'a pickle that is None'; ErrorId = 'PyTorchFileInvalid'; Pickle = [byte[]](0x80, 0x02, 0x4E, 0x2E) }
    ) {
        $name = "$([guid]::NewGuid().ToString('N')).pt"
        $path = if ($Pickle) { New-HostilePickle (Join-Path $folder $name) $goodPt { param($b) , $Pickle } } else { Copy-Good $goodPt $name }
        if ($Json) {
            $jsonPath = [IO.Path]::ChangeExtension($path, '.json')
            $j = Get-Content $jsonPath -Raw | ConvertFrom-Json
            & $Json $j
            $j | ConvertTo-Json -Depth 20 | Set-Content $jsonPath
        }
        $models = Import-MnistModel -LiteralPath $path, $goodPt -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be "$ErrorId,Mnist.Cmdlets.Commands.ImportMnistModelCommand"
        $problems[0].TargetObject | Should -Be $path
        $problems[0].Exception.Message | Should -BeLike "*$path*"
        @($models).Count | Should -Be 1
        $models[0].FilePath | Should -Be $goodPt
    }

    It 'refuses a 12 MB ONNX file of 6 million empty initializers with ModelFileTooLarge in little memory and time (in a child process)' {
        $path = New-EmptyInitializersOnnx (Join-Path $folder 'initializers.onnx') $goodOnnx 6000000
        (Get-Item $path).Length | Should -BeGreaterThan 12000000
        $run = Invoke-Measured "`$m = Import-MnistModel -LiteralPath '$path', '$goodOnnx' -ErrorVariable e -ErrorAction SilentlyContinue; 'ids=' + (`$e.FullyQualifiedErrorId -join ';') + '|' + `$e[0].TargetObject; 'imported=' + @(`$m).Count"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "ids=ModelFileTooLarge,Mnist.Cmdlets.Commands.ImportMnistModelCommand\|$([regex]::Escape($path))" -Because $run.Output
        $run.Output | Should -Match 'imported=1'
        $run.Seconds | Should -BeLessThan 5 -Because 'the census stops at the 4,097th initializer'
        $run.Growth | Should -BeLessThan 100MB -Because "peak RSS grew by $([math]::Round($run.Growth / 1MB)) MB (protobuf took 2.8 GB for this file before)"
    }

    It 'refuses a PyTorch file whose pickle rebuilds a tensor 150,000 times and drops the copies, in little memory and time (in a child process)' {
        $path = New-HostilePickle (Join-Path $folder 'rebuilds.pt') $goodPt { param($b) Add-DroppedRebuilds $b 150000 }
        (Get-Item $path).Length | Should -BeLessThan 2MB
        $run = Invoke-Measured "`$m = Import-MnistModel -LiteralPath '$path', '$goodPt' -ErrorVariable e -ErrorAction SilentlyContinue; 'ids=' + (`$e.FullyQualifiedErrorId -join ';') + '|' + `$e[0].TargetObject; 'message=' + `$e[0].Exception.Message; 'imported=' + @(`$m).Count"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "ids=PyTorchFileInvalid,Mnist.Cmdlets.Commands.ImportMnistModelCommand\|$([regex]::Escape($path))" -Because $run.Output
        $run.Output | Should -Match 'rebuilds 150,004 tensors'
        $run.Output | Should -Match 'imported=1'
        $run.Seconds | Should -BeLessThan 5
        $run.Growth | Should -BeLessThan 100MB -Because "peak RSS grew by $([math]::Round($run.Growth / 1MB)) MB (each rebuild allocated the tensor before)"
    }

    It 'refuses an ONNX file whose metadata describes a large CNN before building it, and imports the next file' {
        Use-ModuleAssembly OnnxSharp
        Use-ModuleAssembly Google.Protobuf
        $path = Copy-Good $goodOnnx 'cnn.onnx'
        $proto = [Onnx.ModelProto]::Parser.ParseFrom([IO.File]::ReadAllBytes($path))
        $entry = $proto.MetadataProps | Where-Object Key -EQ 'mnist_model'
        $record = $entry.Value | ConvertFrom-Json
        $record.Spec.Architecture = 'Cnn'; $record.Spec.HiddenUnits = @(4096); $record.Spec.Dropout = @(0.25, 0.5); $record.Spec.Layers = $null
        $entry.Value = $record | ConvertTo-Json -Depth 20 -Compress
        [IO.File]::WriteAllBytes($path, [Google.Protobuf.MessageExtensions]::ToByteArray($proto))
        $models = Import-MnistModel -LiteralPath $path, $goodOnnx -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ModelArchitectureMismatch,Mnist.Cmdlets.Commands.ImportMnistModelCommand'
        $problems[0].Exception.Message | Should -BeLike "*$path*is too small for the architecture*"
        @($models).Count | Should -Be 1
    }
}

Describe 'Invoke-MnistTraining on a model that is being trained' {
    It 'refuses a second training from the first one''s -OnEpochEnd with ModelInTraining, and History stays 1..N' {
        $model = New-MnistModel -Seed 8 -HiddenUnits 16
        $refusals = [System.Collections.Generic.List[object]]::new()
        $result = $data | Invoke-MnistTraining -Model $model -Epochs 3 -ValidationSplit 0 -ThreadCount 1 -Quiet -OnEpochEnd {
            try { $null = $data | Invoke-MnistTraining -Model $model -Epochs 1 -Quiet -ErrorAction Stop } catch { $refusals.Add($_) }
        }
        $refusals.Count | Should -Be 3
        $refusals[0].FullyQualifiedErrorId | Should -Be 'ModelInTraining,Mnist.Cmdlets.Commands.InvokeMnistTrainingCommand'
        $refusals[0].TargetObject | Should -Be $model
        $result.History.Epoch | Should -Be 1, 2, 3
        $alone = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 8 -HiddenUnits 16) -Epochs 3 -ValidationSplit 0 -ThreadCount 1 -Quiet
        $result.History.Loss | Should -Be $alone.History.Loss -Because 'the refused trainings changed nothing: the first learnt as it does alone'
    }

    It 'refuses a second training from a parallel thread with ModelInTraining, and History stays 1..N' {
        $model = New-MnistModel -Seed 9 -HiddenUnits 16
        $started = [System.Threading.ManualResetEventSlim]::new($false)
        $tried = [System.Threading.ManualResetEventSlim]::new($false)
        $outcomes = 'first', 'second' | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:ModuleManifest
            $model = $using:model; $data = $using:data; $started = $using:started; $tried = $using:tried
            if ($_ -eq 'first') {
                # Holds its first epoch's end until the other thread has tried.
                $null = $data | Invoke-MnistTraining -Model $model -Epochs 2 -ValidationSplit 0 -ThreadCount 1 -Quiet -OnEpochEnd { $started.Set(); $null = $tried.Wait(60000) }
                'first: trained'
            } else {
                $null = $started.Wait(120000)
                try { $null = $data | Invoke-MnistTraining -Model $model -Epochs 1 -ThreadCount 1 -Quiet -ErrorAction Stop; 'second: trained' }
                catch { 'second: ' + $_.FullyQualifiedErrorId }
                finally { $tried.Set() }
            }
        }
        $outcomes | Sort-Object | Should -Be 'first: trained', 'second: ModelInTraining,Mnist.Cmdlets.Commands.InvokeMnistTrainingCommand'
        $model.History.Epoch | Should -Be 1, 2
    }
}

Describe 'A disposed model' {
    BeforeAll {
        $script:disposed = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 10 -HiddenUnits 16) -Epochs 1 -ValidationSplit 0 -Quiet
        $disposed.Dispose()
    }

    It 'is refused by <Command> with ModelDisposed' -TestCases @(
        @{ Command = 'Get-MnistPrediction'; Run = { Get-MnistPrediction -Model $disposed -Pixels (, [byte[]]::new(784)) -ErrorAction Stop } }
        @{ Command = 'Test-MnistModel'; Run = { $disposed | Test-MnistModel -Data $data -ErrorAction Stop } }
        @{ Command = 'Invoke-MnistTraining'; Run = { $data | Invoke-MnistTraining -Model $disposed -Epochs 1 -Quiet -ErrorAction Stop } }
        @{ Command = 'Export-MnistChart'; Run = { $disposed | Export-MnistChart (Join-Path $folder 'history.png') -ErrorAction Stop } }
    ) {
        $thrown = $Run | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ModelDisposed,*'
        $thrown.TargetObject | Should -Be $disposed
        $thrown.Exception.Message | Should -BeLike '*was disposed*'
    }

    It 'is refused by Export-MnistModel in every format with ModelDisposed, nothing written and the shell alive (in a child process)' {
        $target = New-TestFolder
        $script = @"
Import-Module '$ModuleManifest'
`$m = New-MnistModel -Seed 1 -HiddenUnits 8
`$m.Dispose()
foreach (`$name in 'm.model', 'm.onnx', 'm.pt') {
    try { `$m | Export-MnistModel (Join-Path '$target' `$name) -ErrorAction Stop; "`${name}: written" } catch { "`${name}: " + `$_.FullyQualifiedErrorId }
}
'alive'
"@
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        foreach ($name in 'm.model', 'm.onnx', 'm.pt') { $output | Should -Match "$([regex]::Escape($name)): ModelDisposed,Mnist.Cmdlets.Commands.ExportMnistModelCommand" }
        $output | Should -Match 'alive'
        @(Get-ChildItem $target -Force).Count | Should -Be 0 -Because 'no file and no temporary file is left'
    }

    It 'disposed during its own training (from -OnEpochEnd) ends that training with ModelDisposed once the epoch is undone, and frees it' {
        $model = New-MnistModel -Seed 11 -HiddenUnits 16
        $thrown = { $data | Invoke-MnistTraining -Model $model -Epochs 3 -ValidationSplit 0 -Quiet -OnEpochEnd { $model.Dispose() } -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ModelDisposed,*'
        $model.IsDisposed | Should -BeTrue
        $model.History.Epoch | Should -Be 1
        { $model | Test-MnistModel -Data $data -ErrorAction Stop } | Should -Throw -ErrorId 'ModelDisposed,Mnist.Cmdlets.Commands.TestMnistModelCommand'
    }
}
