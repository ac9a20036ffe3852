BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:data = Import-MnistData -TrainCount 3000 -TestCount 1000
    $script:model = $data | Invoke-MnistTraining -Epochs 1 -Seed 3 -Quiet
    $null = $model | Test-MnistModel
}

Describe 'Export-MnistModel and Import-MnistModel' {
    It 'round-trips a model whose predictions are bitwise the same' {
        $path = Join-Path (New-TestFolder) 'model.mnist'
        $model | Export-MnistModel -Path $path
        $loaded = Import-MnistModel -Path $path
        $before = ($model | Get-MnistPrediction -Data $data).Probabilities
        $after = ($loaded | Get-MnistPrediction -Data $data).Probabilities
        $after.Count | Should -Be 10000
        [System.Linq.Enumerable]::SequenceEqual([double[]]$before, [double[]]$after) | Should -BeTrue
        $loaded.History.Count | Should -Be 1
        $loaded.LastEvaluation.Accuracy | Should -Be $model.LastEvaluation.Accuracy
        $loaded.TrainingData.Checksums['t10k-images-idx3-ubyte'] | Should -Be $data.Checksums['t10k-images-idx3-ubyte']
        $loaded.ClassNames | Should -Be $model.ClassNames
        $loaded.Name | Should -Be $model.Name
    }

    It 'refuses to overwrite without -Force and overwrites with it' {
        $path = Join-Path (New-TestFolder) 'model.mnist'
        Set-Content $path 'precious'
        $err = { $model | Export-MnistModel -Path $path } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $path | Should -Be 'precious'
        $model | Export-MnistModel -Path $path -Force
        (Import-MnistModel $path).ParameterCount | Should -Be 407050
    }

    It 'writes nothing with -WhatIf' {
        $folder = New-TestFolder
        $model | Export-MnistModel -Path "$folder/model.mnist" -WhatIf
        Get-ChildItem $folder | Should -BeNullOrEmpty
    }

    It 'continues training an imported model' {
        $path = Join-Path (New-TestFolder) 'model.mnist'
        $model | Export-MnistModel -Path $path
        $more = $data | Invoke-MnistTraining -Model (Import-MnistModel $path) -Epochs 1 -Quiet
        $more.History.Epoch | Should -Be @(1, 2)
        $more.History[1].Loss | Should -BeLessThan $more.History[0].Loss
    }

    It 'reports <Case> with <ErrorId>' -TestCases @(
        @{ Case = 'a missing file'; ErrorId = 'ModelFileNotFound'; Make = { param($p) } }
        @{ Case = 'a truncated file'; ErrorId = 'ModelFileCorrupt'; Make = { param($p) $b = [IO.File]::ReadAllBytes($p); [IO.File]::WriteAllBytes($p, $b[0..1000]) } }
        @{ Case = 'a file that is not a model'; ErrorId = 'ModelFileUnknownFormat'; Make = { param($p) Set-Content $p 'hello' } }
        @{ Case = 'a picture'; ErrorId = 'ModelFileUnknownFormat'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) } }
    ) {
        $path = Join-Path (New-TestFolder) 'model.mnist'
        if ($Case -ne 'a missing file') { $model | Export-MnistModel -Path $path }
        & $Make $path
        $err = { Import-MnistModel -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.Exception.Message | Should -BeLike "*model.mnist*"
    }

    It 'reports a bad file and goes on with the next' {
        $folder = New-TestFolder
        Set-Content "$folder/a.mnist" 'not a model'
        $model | Export-MnistModel -Path "$folder/b.mnist"
        $loaded = Get-ChildItem $folder -Filter *.mnist | Import-MnistModel -ErrorVariable problems -ErrorAction SilentlyContinue
        @($loaded).Count | Should -Be 1
        $problems.Count | Should -Be 1
    }
}

Describe 'Invoke-MnistTraining checkpoints and early stopping' {
    It 'saves the best model by validation accuracy with -CheckpointPath' {
        $path = Join-Path (New-TestFolder) 'best.mnist'
        $trained = $data | Invoke-MnistTraining -Epochs 2 -Seed 5 -CheckpointPath $path -Quiet
        $best = Import-MnistModel $path
        $bestEpoch = ($trained.History | Sort-Object ValAccuracy -Descending | Select-Object -First 1).Epoch
        $best.EpochsTrained | Should -Be $bestEpoch
        Get-ChildItem (Split-Path $path) -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'neither trains nor writes a checkpoint with -WhatIf' {
        $path = Join-Path (New-TestFolder) 'best.mnist'
        $model = New-MnistModel -Seed 5
        $output = $data | Invoke-MnistTraining -Model $model -Epochs 1 -CheckpointPath $path -Quiet -WhatIf
        $output | Should -BeNullOrEmpty
        $model.IsTrained | Should -BeFalse
        $path | Should -Not -Exist
    }

    It 'stops early with -Patience' {
        $trained = $data | Invoke-MnistTraining -Model (New-MnistModel -LearningRate 0.05 -Seed 5) -Epochs 40 -Patience 1 -Quiet
        $trained.History.Count | Should -BeLessThan 40
    }
}

Describe 'Test-MnistModel -MinimumAccuracy' {
    It 'makes a script exit non-zero below the minimum' {
        $folder = New-TestFolder
        $path = "$folder/model.mnist"
        $model | Export-MnistModel -Path $path
        $script = "$folder/gate.ps1"
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleManifest'
`$data = Import-MnistData -TestCount 1000
Import-MnistModel '$path' | Test-MnistModel -Data `$data -MinimumAccuracy 0.999 | Out-Null
"@
        Push-Location "$PSScriptRoot/../.."
        try { & dotnet pwsh -NoProfile -File $script 2>&1 | Out-Null } finally { Pop-Location }
        $LASTEXITCODE | Should -Not -Be 0
    }
}

Describe 'JSON output' {
    It 'converts an evaluation and a History with ConvertTo-Json' {
        $json = $model.LastEvaluation | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Accuracy | Should -Be $model.LastEvaluation.Accuracy
        $json.ConfusionMatrix.Count | Should -Be 10
        $json.PerClass[3].Recall | Should -Be $model.LastEvaluation.PerClass[3].Recall
        $history = $model.History | ConvertTo-Json | ConvertFrom-Json
        $history.Loss | Should -Be $model.History[0].Loss
    }
}

Describe 'examples/nightly-retrain.ps1' {
    It 'promotes the first model, then compares the second against it and says what it decided' {
        $folder = New-TestFolder
        $production = "$folder/prod/mnist.model"
        $arguments = @('-NoProfile', '-File', "$PSScriptRoot/../../examples/nightly-retrain.ps1",
            '-ProductionPath', $production, '-TrainCount', '3000', '-Epochs', '1', '-Seed', '7', '-ModuleManifest', $ModuleManifest)
        Push-Location "$PSScriptRoot/../.."
        try {
            $first = & dotnet pwsh @arguments 2>&1 | Out-String
            $firstCode = $LASTEXITCODE
            $second = & dotnet pwsh @arguments 2>&1 | Out-String
            $secondCode = $LASTEXITCODE
        } finally { Pop-Location }

        $firstCode | Should -Be 0
        $first | Should -Match 'promoted: no production model yet'
        Test-Path $production | Should -BeTrue
        @(Get-ChildItem "$folder/prod/archive" -Filter 'mnist-*.model').Count | Should -Be 1

        $secondCode | Should -Be 2
        $second | Should -Match 'not promoted: accuracy [\d.]+ <= current [\d.]+'
        $metrics = Get-Content "$folder/prod/metrics.json" -Raw | ConvertFrom-Json
        $metrics.Promoted | Should -BeFalse
        $metrics.CurrentAccuracy | Should -Be $metrics.Accuracy
        @(Get-ChildItem "$folder/prod/archive" -Filter 'mnist-*.model').Count | Should -Be 1
    }
}

Describe 'Import-MnistModel of an ONNX export' {
    It 'keeps the epochs, History and training data, so Get-MnistPrediction -Index finds the data' {
        $data = Import-MnistData -TrainCount 1000 -TestCount 100
        $model = $data | Invoke-MnistTraining -Model (New-MnistModel -HiddenUnits 16 -Seed 1) -Epochs 2 -Quiet
        $path = Join-Path (New-TestFolder) 'x.onnx'
        $model | Export-MnistModel -Path $path | Out-Null
        $imported = Import-MnistModel $path
        $imported.EpochsTrained | Should -Be 2
        $imported.History.Loss | Should -Be $model.History.Loss
        $imported.TrainingData.Name | Should -Be $model.TrainingData.Name
        (Get-MnistPrediction -Model $imported -Index 0..4).Predicted | Should -Be (Get-MnistPrediction -Model $model -Data $data -Index 0..4).Predicted
    }

    It 'reads a model file whatever its name: the format is recognised by content' {
        $model = New-MnistModel -HiddenUnits 16 -Seed 1
        $path = Join-Path (New-TestFolder) 'exported.bin'
        $model | Export-MnistModel -Path $path -Format Onnx | Out-Null
        (Import-MnistModel $path).LayerDefinitions | Should -Be $model.LayerDefinitions
    }
}
