# Models that leave the module: ONNX for serving, a PyTorch state_dict with its architecture, and back.
BeforeDiscovery {
    # Debian's python3-onnx and python3-torch, when installed; a pyenv python3 on PATH may lack them.
    function Find-PythonWith([string] $Module) {
        foreach ($candidate in 'python3', '/usr/bin/python3') {
            $command = Get-Command $candidate -CommandType Application -ErrorAction Ignore | Select-Object -First 1
            if (-not $command) { continue }
            & $command.Source -c "import $Module" 2>$null
            if ($LASTEXITCODE -eq 0) { return $command.Source }
        }
    }
    $script:onnxPython = Find-PythonWith onnx
    $script:torchPython = Find-PythonWith torch
    # Every architecture the module has: a new one is checked here without a change.
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:architectures = @([Mnist.Core.Modeling.Architecture].GetEnumNames() | ForEach-Object { @{ Name = $_; Model = $_ } })
}

BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:root = Resolve-Path "$PSScriptRoot/../.."
    $script:data = Import-MnistData -TrainCount 3000 -TestCount 100
    $script:mlp = $data | Invoke-MnistTraining -Model (New-MnistModel -HiddenUnits 128, 64 -Activation Gelu -Seed 4) -Epochs 1 -Quiet

    # The first test images as an IDX file, as the examples read them.
    $script:idxPath = Join-Path (New-TestFolder) 't10k-images-idx3-ubyte'
    $pixels = [byte[]]($data | Get-MnistSample -Split Test -Index (0..99) | ForEach-Object Pixels)
    Write-IdxFile $idxPath 2051 @(100, 28, 28) $pixels

    function Get-Probabilities($Model) { @($Model | Get-MnistPrediction -Data $data -Index (0..99)) }

    # The trained GELU MLP, a deep sigmoid MLP, or an untrained seeded model of the named architecture.
    function Get-TestModel([string] $Kind) {
        switch ($Kind) {
            'Mlp' { $mlp }
            'Sigmoid' { New-MnistModel -HiddenUnits 32, 16, 8 -Activation Sigmoid -Seed 1 }
            # Every kind of layer and activation, given layer by layer.
            'Custom' {
                New-MnistModel -Seed 4 -Layers 'Normalization(mean=0.1307, std=0.3081)', 'Conv2D(8, 3, padding=same, activation=relu)',
                    'BatchNormalization', 'MaxPooling2D(2)', 'Conv2D(12, 3, strides=2, activation=tanh)', 'AveragePooling2D(2)',
                    'Activation(gelu)', 'Flatten', 'Dense(32, activation=sigmoid)', 'BatchNormalization', 'Dropout(0.2)',
                    'Dense(16, activation=leaky_relu)', 'Activation(elu)', 'Dense(10, activation=softmax)'
            }
            default { New-MnistModel -Architecture $Kind -Seed 4 }
        }
    }
}

Describe 'Export-MnistModel -Format Onnx' {
    It 'chooses ONNX by the .onnx extension' {
        $path = Join-Path (New-TestFolder) 'mnist.onnx'
        $mlp | Export-MnistModel -Path $path
        # An ONNX ModelProto starts with field 1 (ir_version, varint): 0x08, then 7.
        [System.IO.File]::ReadAllBytes($path)[0..1] | Should -Be @(0x08, 0x07)
        $mlp.FilePath | Should -Be $path
    }

    It 'writes nothing with -WhatIf and keeps an existing file without -Force' {
        $folder = New-TestFolder
        $mlp | Export-MnistModel -Path "$folder/a.onnx" -WhatIf
        Get-ChildItem $folder | Should -BeNullOrEmpty
        Set-Content "$folder/a.onnx" 'precious'
        $err = { $mlp | Export-MnistModel -Path "$folder/a.onnx" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content "$folder/a.onnx" | Should -Be 'precious'
        @(Get-ChildItem $folder -Force).Count | Should -Be 1
    }

    It 'refuses an unknown -Format before writing' {
        $folder = New-TestFolder
        { $mlp | Export-MnistModel -Path "$folder/a.keras" -Format Keras } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
        Get-ChildItem $folder | Should -BeNullOrEmpty
    }

    It 'writes files the ONNX checker accepts (<Name>)' -Skip:(-not $onnxPython) -TestCases ($architectures + @{ Name = 'MLP, sigmoid, three hidden layers'; Model = 'Sigmoid' }) {
        $network = Get-TestModel $Model
        $path = Join-Path (New-TestFolder) 'model.onnx'
        $network | Export-MnistModel -Path $path
        $output = & $onnxPython -c @'
import sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print(model.opset_import[0].version, model.graph.input[0].name, model.graph.output[0].name)
'@ $path 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$output"
        "$output" | Should -Be '13 pixels probabilities'
    }

    It 'is served by ONNX Runtime in the documented .NET example with the module''s predictions' {
        $path = Join-Path (New-TestFolder) 'mnist.onnx'
        $mlp | Export-MnistModel -Path $path
        $lines = & dotnet run --file "$root/examples/onnx/predict.cs" -- $path $idxPath 20 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$lines"
        $expected = Get-Probabilities $mlp
        $rows = @($lines | Where-Object { $_ -match '^\d+ ' })
        $rows.Count | Should -Be 20
        foreach ($row in $rows) {
            $index, $name, $confidence = -split $row
            $name | Should -Be $expected[[int]$index].PredictedName
            [math]::Abs([double]$confidence - $expected[[int]$index].Confidence) | Should -BeLessOrEqual 2e-4
        }
    }

    It 'is quoted in docs/model-formats.md exactly as the example file is' {
        $readme = Get-Content "$root/docs/model-formats.md" -Raw
        $file = (Get-Content "$root/examples/onnx/predict.cs" -Raw).Trim() -replace "`r`n", "`n"
        $readme -replace "`r`n", "`n" | Should -Match ([regex]::Escape("``````csharp`n$file`n``````"))
    }
}

Describe 'Export-MnistModel -Format PyTorch and Import-MnistModel' {
    It 'writes a state_dict and its architecture beside it, and reads them back with bitwise the same predictions' {
        $folder = New-TestFolder
        $mlp | Export-MnistModel -Path "$folder/mnist.pt"
        (Get-ChildItem $folder).Name | Should -Be @('mnist.json', 'mnist.pt')
        $loaded = Import-MnistModel "$folder/mnist.pt"
        $before = (Get-Probabilities $mlp).Probabilities
        $after = (Get-Probabilities $loaded).Probabilities
        [System.Linq.Enumerable]::SequenceEqual([double[]]$before, [double[]]$after) | Should -BeTrue
        $loaded.History.Count | Should -Be 1
        $loaded.Spec.Activation | Should -Be 'Gelu'
    }

    It 'loads in PyTorch with torch.load and predicts the same (<Name>)' -Skip:(-not $torchPython) -TestCases $architectures {
        $network = Get-TestModel $Model
        $path = Join-Path (New-TestFolder) 'model.pth'
        $network | Export-MnistModel -Path $path -Format PyTorch
        $lines = & $torchPython "$root/examples/pytorch/mnist_model.py" $path $idxPath 100 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$lines"
        $expected = Get-Probabilities $network
        $lines.Count | Should -Be 100
        foreach ($line in $lines) {
            $fields = -split $line
            $index = [int]$fields[0]
            $fields[1] | Should -Be $expected[$index].PredictedName
            for ($c = 0; $c -lt 10; $c++) {
                [math]::Abs([double]$fields[3 + $c] - $expected[$index].Probabilities[$c]) | Should -BeLessOrEqual 1e-5
            }
        }
    }
}

Describe 'A state_dict changed and saved by PyTorch' {
    It 'reads back with Import-MnistModel and predicts what PyTorch predicts (<Name>)' -Skip:(-not $torchPython) -TestCases $architectures {
        $path = Join-Path (New-TestFolder) 'model.pt'
        Get-TestModel $Model | Export-MnistModel -Path $path
        $output = & $torchPython -c @'
import sys, torch
sys.path.insert(0, sys.argv[2])
import mnist_model
net, info = mnist_model.load(sys.argv[1])
with torch.no_grad():
    for parameter in net.parameters():
        parameter.mul_(0.5)
torch.save(net.state_dict(), sys.argv[1])
'@ $path "$root/examples/pytorch" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$output"
        $expected = & $torchPython "$root/examples/pytorch/mnist_model.py" $path $idxPath 100 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$expected"

        $loaded = Import-MnistModel $path -ErrorAction Stop
        $actual = Get-Probabilities $loaded
        foreach ($line in $expected) {
            $fields = -split $line
            $index = [int]$fields[0]
            $actual[$index].PredictedName | Should -Be $fields[1]
            for ($c = 0; $c -lt 10; $c++) {
                [math]::Abs([double]$fields[3 + $c] - $actual[$index].Probabilities[$c]) | Should -BeLessOrEqual 1e-5
            }
        }
    }
}

Describe 'Import-MnistModel of files it cannot use' {
    It 'reports <Case> with <ErrorId>, naming the file' -TestCases @(
        @{ Case = 'a .onnx file that is not ONNX'; Name = 'x.onnx'; ErrorId = 'OnnxFileInvalid'; Make = { param($p) Set-Content $p 'not a model' } }
        @{ Case = 'an empty .onnx file'; Name = 'x.onnx'; ErrorId = 'OnnxFileInvalid'; Make = { param($p) Set-Content $p -Value $null } }
        @{ Case = 'a .pt file that is not a zip'; Name = 'x.pt'; ErrorId = 'PyTorchFileInvalid'; Make = {
                param($p) $mlp | Export-MnistModel -Path $p; [System.IO.File]::WriteAllBytes($p, [byte[]](1..200)) } }
        @{ Case = 'a .pt file without its architecture'; Name = 'x.pt'; ErrorId = 'PyTorchArchitectureNotFound'; Make = {
                param($p) $mlp | Export-MnistModel -Path $p; Remove-Item ([IO.Path]::ChangeExtension($p, '.json')) } }
        @{ Case = 'a .pt file whose architecture is foreign'; Name = 'x.pt'; ErrorId = 'PyTorchArchitectureInvalid'; Make = {
                param($p) $mlp | Export-MnistModel -Path $p; Set-Content ([IO.Path]::ChangeExtension($p, '.json')) '{"kind": "keras"}' } }
        @{ Case = 'a .pt file with another model''s weights'; Name = 'x.pt'; ErrorId = 'ModelArchitectureMismatch'; Make = {
                param($p) $mlp | Export-MnistModel -Path $p; New-MnistModel -HiddenUnits 128, 32 | Export-MnistModel -Path "$p.other.pt"
                Copy-Item "$p.other.pt" $p -Force } }
    ) {
        $path = Join-Path (New-TestFolder) $Name
        & $Make $path
        $result = Import-MnistModel $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $problems[0].Exception.Message | Should -BeLike "*$Name*"
    }
}
