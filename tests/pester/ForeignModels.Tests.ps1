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

    function Find-Bytes([byte[]] $Bytes, [byte[]] $Pattern, [int] $From = 0) {
        for ($i = $From; $i -le $Bytes.Length - $Pattern.Length; $i++) {
            $j = 0
            while ($j -lt $Pattern.Length -and $Bytes[$i + $j] -eq $Pattern[$j]) { $j++ }
            if ($j -eq $Pattern.Length) { return $i }
        }
        -1
    }

    # A protobuf varint.
    function Get-Varint([long] $Value) {
        $bytes = [System.Collections.Generic.List[byte]]::new()
        do { $b = [byte]($Value -band 0x7f); $Value = $Value -shr 7; if ($Value) { $b = $b -bor 0x80 }; $bytes.Add($b) } while ($Value)
        , $bytes.ToArray()
    }

    # A .pt file whose data.pkl is changed by $Change (bytes in, bytes out).
    function New-HostilePickle([string] $Name, [scriptblock] $Change) {
        $path = Copy-Good $goodPt $Name
        $zip = [System.IO.Compression.ZipFile]::Open($path, 'Update')
        try {
            $old = $zip.Entries | Where-Object Name -EQ 'data.pkl'
            $entryName = $old.FullName
            $stream = $old.Open(); $buffer = [System.IO.MemoryStream]::new(); $stream.CopyTo($buffer); $stream.Dispose()
            $old.Delete()
            $bytes = [byte[]](& $Change $buffer.ToArray())
            $output = $zip.CreateEntry($entryName).Open(); $output.Write($bytes, 0, $bytes.Length); $output.Dispose()
        } finally { $zip.Dispose() }
        $path
    }

    # The pickle, then $Copies more rebuilds of its first tensor, each dropped at once, before its last SETITEMS.
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
        $path = if ($Pickle) { New-HostilePickle "$([guid]::NewGuid().ToString('N')).pt" { param($b) , $Pickle } } else { Copy-Good $goodPt "$([guid]::NewGuid().ToString('N')).pt" }
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
        $path = Copy-Good $goodOnnx 'initializers.onnx'
        $count = 6000000
        $stream = [IO.File]::Open($path, 'Append')
        $head = [byte[]](@(0x3A) + (Get-Varint ($count * 2)))                  # a second ModelProto.graph, merged into the first
        $stream.Write($head, 0, $head.Length)
        $block = [byte[]]::new(2 * 65536); for ($i = 0; $i -lt $block.Length; $i += 2) { $block[$i] = 0x2A }   # GraphProto.initializer, empty
        for ($written = 0; $written -lt $count; $written += 65536) { $stream.Write($block, 0, 2 * [Math]::Min(65536, $count - $written)) }
        $stream.Dispose()
        (Get-Item $path).Length | Should -BeGreaterThan 12000000
        $run = Invoke-Measured "`$m = Import-MnistModel -LiteralPath '$path', '$goodOnnx' -ErrorVariable e -ErrorAction SilentlyContinue; 'ids=' + (`$e.FullyQualifiedErrorId -join ';') + '|' + `$e[0].TargetObject; 'imported=' + @(`$m).Count"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "ids=ModelFileTooLarge,Mnist.Cmdlets.Commands.ImportMnistModelCommand\|$([regex]::Escape($path))" -Because $run.Output
        $run.Output | Should -Match 'imported=1'
        $run.Seconds | Should -BeLessThan 5 -Because 'the census stops at the 4,097th initializer'
        $run.Growth | Should -BeLessThan 100MB -Because "peak RSS grew by $([math]::Round($run.Growth / 1MB)) MB (protobuf took 2.8 GB for this file before)"
    }

    It 'refuses a PyTorch file whose pickle rebuilds a tensor 150,000 times and drops the copies, in little memory and time (in a child process)' {
        $path = New-HostilePickle 'rebuilds.pt' { param($b) Add-DroppedRebuilds $b 150000 }
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
