# Keras' callbacks as Invoke-MnistTraining parameters: early stopping that says which weights it kept, the CSV log,
# TerminateOnNaN and ReduceLROnPlateau.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:data = Import-MnistData -TrainCount 3000 -TestCount 300
    $script:folder = New-TestFolder
}

AfterAll {
    Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
}

Describe 'Invoke-MnistTraining -Patience (early stopping that restores the best weights)' {
    BeforeAll {
        $script:checkpoint = Join-Path $folder 'best.mnist'
        # A high rate makes val_loss turn up soon; two epochs without improvement end the training.
        $script:model = $data | Invoke-MnistTraining -Model (New-MnistModel -LearningRate 0.05 -Seed 5) -Epochs 40 -Patience 2 `
            -CheckpointPath $checkpoint -ThreadCount 1 -Quiet -WarningVariable warnings -WarningAction SilentlyContinue
        $script:stopWarnings = $warnings
        $script:best = Import-MnistModel $checkpoint
        $script:bestEpoch = ($model.History | Sort-Object val_loss | Select-Object -First 1).Epoch
    }

    It 'stopped early, after an epoch that was not the best' {
        $model.History.Count | Should -BeLessThan 40
        $model.History[-1].Epoch | Should -Be ($bestEpoch + 2)
    }

    It 'names the epoch whose weights it holds: EpochsTrained, the warning and the summary' {
        $model.EpochsTrained | Should -Be $bestEpoch
        $stopWarnings[-1] | Should -Match "Restored the weights of epoch $bestEpoch\b"
        $text = $model | Out-String -Width 200
        $text | Should -Match "Trained: $bestEpoch epochs"
        $text | Should -Match "last: Epoch ${bestEpoch}:"
        $text | Should -Match "Restored the weights of epoch $bestEpoch"
    }

    It 'keeps the later epochs in History, marked as not in the weights' {
        @($model.History | Where-Object InWeights).Epoch | Should -Be @(1..$bestEpoch)
        @($model.History | Where-Object { -not $_.InWeights }).Epoch | Should -Be @(($bestEpoch + 1)..($bestEpoch + 2))
    }

    It 'agrees with the checkpoint on every figure' {
        $best.EpochsTrained | Should -Be $model.EpochsTrained
        "$($best.History[-1])" | Should -Be "$(@($model.History | Where-Object InWeights)[-1])"
        $a = $model | Test-MnistModel
        $b = $best | Test-MnistModel
        $a.Loss | Should -Be $b.Loss
        $a.Accuracy | Should -Be $b.Accuracy
        $a.Errors | Should -Be $b.Errors
    }

    It 'goes on from the restored epoch when trained again' {
        $more = $data | Invoke-MnistTraining -Model $model -Epochs 1 -ThreadCount 1 -Quiet
        $more.History.Epoch | Should -Be @(1..($bestEpoch + 1))
        $more.EpochsTrained | Should -Be ($bestEpoch + 1)
    }
}

Describe 'Invoke-MnistTraining -LogPath' {
    It 'has each epoch''s row on disk when the epoch ends, while the run goes on' {
        $log = Join-Path $folder 'run.csv'
        $script:seen = @()
        $model = $data | Invoke-MnistTraining -Epochs 3 -Seed 4 -ThreadCount 1 -Quiet -LogPath $log -OnEpochEnd {
            # Another reader, as a monitor would be: the file as it is on disk now.
            $script:seen += , @(Import-Csv $log)
        }
        $seen.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { $seen[$i].Count | Should -Be ($i + 1) }
        (Get-Content $log)[0] | Should -Be 'epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds'
        $rows = Import-Csv $log
        for ($i = 0; $i -lt 3; $i++) {
            [int]$rows[$i].epoch | Should -Be $model.History[$i].Epoch
            [double]$rows[$i].loss | Should -Be $model.History[$i].Loss
            [double]$rows[$i].val_accuracy | Should -Be $model.History[$i].ValAccuracy
            [double]$rows[$i].lr | Should -Be $model.History[$i].LearningRate
        }
        # Learning happened.
        [double]$rows[2].loss | Should -BeLessThan ([double]$rows[0].loss)
    }

    It 'refuses to start a new log over an existing file without -Force' {
        $log = Join-Path $folder 'existing.csv'
        Set-Content $log 'keep me'
        $err = { $data | Invoke-MnistTraining -Epochs 1 -Seed 4 -ThreadCount 1 -Quiet -LogPath $log } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $log | Should -Be 'keep me'
        $null = $data | Invoke-MnistTraining -Epochs 1 -Seed 4 -ThreadCount 1 -Quiet -LogPath $log -Force
        @(Import-Csv $log).Count | Should -Be 1
    }
}

Describe 'Invoke-MnistTraining -TerminateOnNaN' {
    BeforeAll {
        # Plain SGD at a one-cycle peak of 1 through four wide layers: finite in epoch 1, NaN in epoch 2.
        $script:diverging = @{ Seed = 1; Optimizer = 'Sgd'; LearningRate = 1; HiddenUnits = 512, 512, 512, 512; Schedule = 'OneCycle' }
        $script:small = Import-MnistData -TrainCount 2000 -TestCount 100
    }

    It 'ends a diverging run with TrainingDiverged, the model as after its last finite epoch' {
        $err = $null
        try {
            $small | Invoke-MnistTraining -Model (New-MnistModel @diverging) -Epochs 6 -ThreadCount 1 -Quiet -WarningAction SilentlyContinue
        } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TrainingDiverged,*'
        $err.Exception.Message | Should -Match 'epoch 2 ended with loss NaN'
        $model = $err.TargetObject
        $model.EpochsTrained | Should -Be 1
        [double]::IsFinite($model.History[0].Loss) | Should -BeTrue
        $probabilities = ($model | Get-MnistPrediction -Data $small -Index (0..49)).Probabilities
        @($probabilities | Where-Object { -not [double]::IsFinite($_) }).Count | Should -Be 0
    }

    It 'trains on into NaN weights with -TerminateOnNaN:$false' {
        $model = $small | Invoke-MnistTraining -Model (New-MnistModel @diverging) -Epochs 3 -ThreadCount 1 -Quiet -TerminateOnNaN:$false
        $model.EpochsTrained | Should -Be 3
        [double]::IsNaN($model.History[-1].Loss) | Should -BeTrue
    }
}

Describe 'Invoke-MnistTraining -ReduceLROnPlateau' {
    It 'multiplies the rate by the factor after patience epochs without improvement, down to the minimum' {
        # -MinDelta 10: no epoch after the first counts as an improvement, so every epoch after the second lowers the rate.
        $model = $data | Invoke-MnistTraining -Epochs 5 -Seed 3 -ThreadCount 1 -Quiet -MinDelta 10 `
            -ReduceLROnPlateau -ReduceLRPatience 1 -ReduceLRFactor 0.5 -MinLearningRate 0.0002
        $model.History.lr | Should -Be @(0.001, 0.001, 0.0005, 0.00025, 0.0002)
        $model.History[-1].Loss | Should -BeLessThan $model.History[0].Loss
    }

    It 'waits -ReduceLRPatience epochs and keeps the rate while the metric improves' {
        $model = $data | Invoke-MnistTraining -Epochs 3 -Seed 3 -ThreadCount 1 -Quiet -ReduceLROnPlateau -ReduceLRPatience 5
        $model.History.lr | Should -Be @(0.001, 0.001, 0.001)
    }

    It 'refuses its settings without -ReduceLROnPlateau' {
        $err = { $data | Invoke-MnistTraining -Epochs 1 -Quiet -ReduceLRFactor 0.5 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTrainingOption,*'
        $err.Exception.Message | Should -Match 'ReduceLRFactor'
    }
}

Describe 'History rows in Export-Csv and ConvertTo-Json' {
    BeforeAll {
        $script:trained = $data | Invoke-MnistTraining -Epochs 2 -Seed 6 -ThreadCount 1 -Quiet
        $script:tableNames = @('Epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'Seconds', 'Augmented', 'Precision')
    }

    It 'gives the table''s names, in the table''s order, once each, in a CSV' {
        $header = ($trained.History | ConvertTo-Csv)[0] -replace '"', '' -split ','
        $header[0..($tableNames.Count - 1)] | Should -BeExactly $tableNames
        $header | Should -Not -Contain 'ValLoss'
        $header | Should -Not -Contain 'LearningRate'
        ($header | Sort-Object -Unique).Count | Should -Be $header.Count
    }

    It 'gives the same names in JSON, also for rows nested in a model' {
        foreach ($json in @(($trained.History | ConvertTo-Json | ConvertFrom-Json)[0], ($trained | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | ConvertFrom-Json).History[0])) {
            $names = @($json.psobject.Properties.Name)
            $names[0..($tableNames.Count - 1)] | Should -BeExactly $tableNames
            $names | Should -Not -Contain 'ValLoss'
            $json.val_loss | Should -Be $trained.History[0].val_loss
        }
    }

    It 'still answers to the .NET names in scripts' {
        $row = $trained.History[1]
        $row.ValLoss | Should -Be $row.val_loss
        $row.ValAccuracy | Should -Be $row.val_accuracy
        $row.LearningRate | Should -Be $row.lr
        @($trained.History | Where-Object ValAccuracy -ge 0).Count | Should -Be 2
    }
}
