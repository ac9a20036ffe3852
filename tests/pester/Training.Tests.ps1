# Invoke-MnistTraining as a user types it: callbacks, time limits, pipeline binding and the information stream.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:data = Import-MnistData -TrainCount 3000 -TestCount 300
}

Describe 'Invoke-MnistTraining -MaxDuration' {
    It 'ends on time with a consistent model and says so in a warning' {
        $big = Import-MnistData -TrainCount 30000 -TestCount 100
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $model = $big | Invoke-MnistTraining -Epochs 1000 -MaxDuration '00:00:04' -Seed 1 -Quiet -WarningVariable warnings -WarningAction SilentlyContinue
        # No wall-clock window (this machine's speed moves 30-100%): 1000 epochs would take an hour; the warning
        # says the limit ended it. tests/unit/CallbackTests.cs specifies the limit's rules.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
        $warnings | Should -HaveCount 1
        "$warnings" | Should -BeLike '*time limit*'
        @($model.History).Count | Should -Be $model.EpochsTrained
        if ($model.EpochsTrained -gt 0) { $model.History | ForEach-Object { $_.Epoch } | Should -Be (1..$model.EpochsTrained) }
    }
}

Describe 'Invoke-MnistTraining -OnEpochEnd' {
    It 'calls the script block after each epoch with the History row' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $model = $data | Invoke-MnistTraining -Epochs 3 -Seed 2 -Quiet -OnEpochEnd { param($record) $seen.Add($record) }
        $seen.Count | Should -Be 3
        $seen[2].Epoch | Should -Be 3
        $seen[2].val_accuracy | Should -Be $model.History[2].ValAccuracy
    }

    It 'can stop the training, keeping the epochs that finished' {
        $model = $data | Invoke-MnistTraining -Epochs 10 -Seed 2 -Quiet -WarningAction SilentlyContinue -WarningVariable w -OnEpochEnd {
            param($record, $training)
            if ($record.Epoch -eq 2) { $training.Stop('good enough') }
        }
        $model.EpochsTrained | Should -Be 2
        "$w" | Should -BeLike '*good enough*'
    }

    It 'turns an error in the script block into OnEpochEndFailed, keeping the finished epoch' {
        $model = New-MnistModel -Seed 3
        $err = { $data | Invoke-MnistTraining -Model $model -Epochs 3 -Quiet -WarningAction SilentlyContinue -OnEpochEnd { throw 'monitoring is down' } } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'OnEpochEndFailed,*'
        $model.EpochsTrained | Should -Be 1
    }
}

Describe 'Invoke-MnistTraining binding' {
    It 'takes a model from the pipeline with -Data' {
        $model = New-MnistModel -Seed 5
        $trained = $model | Invoke-MnistTraining -Data $data -Epochs 1 -Quiet
        [object]::ReferenceEquals($trained, $model) | Should -BeTrue
        $model.EpochsTrained | Should -Be 1
    }

    It 'takes the Train split, and refuses the Test split with a clear error' {
        ($data.Train | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet).EpochsTrained | Should -Be 1
        $err = { Invoke-MnistTraining -Data $data.Test -Epochs 1 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SplitMismatch,*'
    }

    It 'reseeds a given model through the model, so Seed tells the truth' {
        $model = New-MnistModel -Seed 5
        $data | Invoke-MnistTraining -Model $model -Seed 77 -Epochs 1 -Quiet | Out-Null
        $model.Seed | Should -Be 77
    }

    It 'restores the thread count after the call' {
        $before = (Get-MnistEnvironment).ThreadCount
        $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet -ThreadCount ($before + 3) | Out-Null
        (Get-MnistEnvironment).ThreadCount | Should -Be $before
    }
}

Describe 'Invoke-MnistTraining -Augment' {
    It 'trains on changed images, learns, and records the ranges in History, the model and its file' {
        $model = $data | Invoke-MnistTraining -Epochs 3 -Augment -AugmentRotation 12 -Seed 4 -ThreadCount 2 -Quiet
        $model.History | ForEach-Object { $_.Augmented | Should -BeTrue }
        $model.Augmentation.RotationDegrees | Should -Be 12
        $model.Augmentation.ShiftPixels | Should -Be 2
        $model.History[-1].val_accuracy | Should -BeGreaterThan 0.85
        ($model | Out-String) | Should -BeLike '*Augmented: rotation +/-12 deg*'
        $path = Join-Path $TestDrive 'augmented.mnist'
        $model | Export-MnistModel -Path $path
        (Import-MnistModel -Path $path).History[0].Augmentation.RotationDegrees | Should -Be 12
    }

    It 'repeats bitwise with the same seed and threads' {
        $a = $data | Invoke-MnistTraining -Epochs 1 -Augment -Seed 6 -ThreadCount 1 -Quiet
        $b = $data | Invoke-MnistTraining -Epochs 1 -Augment -Seed 6 -ThreadCount 1 -Quiet
        $b.History[0].Loss | Should -Be $a.History[0].Loss
        $b.History[0].ValLoss | Should -Be $a.History[0].ValLoss
    }

    It 'leaves History unmarked without it' {
        $model = $data | Invoke-MnistTraining -Epochs 1 -Seed 6 -Quiet
        $model.History[0].Augmented | Should -BeFalse
        $model.Augmentation | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-MnistTraining -Precision' {
    It 'trains with bfloat16 products where the CPU has them (and refuses them where not), and shows it in History' {
        if (-not (Get-MnistEnvironment).Avx512Bf16) {
            { $data | Invoke-MnistTraining -Epochs 1 -Precision BFloat16 -Quiet } | Should -Throw -ErrorId 'PrecisionNotSupported,*'
            return
        }
        $model = $data | Invoke-MnistTraining -Epochs 3 -Precision BFloat16 -Seed 4 -ThreadCount 2 -Quiet
        $model.History | ForEach-Object { $_.Precision | Should -Be 'BFloat16' }
        $model.History[-1].val_accuracy | Should -BeGreaterThan 0.85
        ($model.History | Format-Table | Out-String) | Should -Match 'BFloat16'
    }

    It 'leaves History unmarked at the default Float32' {
        $model = $data | Invoke-MnistTraining -Epochs 1 -Seed 6 -Quiet
        $model.History[0].Precision | Should -BeNullOrEmpty
    }

    It 'refuses a number format it does not know' {
        { $data | Invoke-MnistTraining -Epochs 1 -Precision Float16 -Quiet } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
    }

    It 'completes the number formats' {
        $line = 'Invoke-MnistTraining -Precision '
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Sort-Object | Should -Be 'BFloat16', 'Float32'
    }
}

Describe 'The epoch lines' {
    It 'are shown by default and hidden by -InformationAction SilentlyContinue' {
        $script = "Import-Module '$ModuleManifest'; `$d = Import-MnistData -TrainCount 500 -TestCount 50; " +
            "`$null = `$d | Invoke-MnistTraining -Epochs 1 -Seed 1; Write-Output '--'; " +
            "`$null = `$d | Invoke-MnistTraining -Epochs 1 -Seed 1 -InformationAction SilentlyContinue"
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $shown, $hidden = $output -split '--'
        $shown | Should -Match 'Epoch 1: loss'
        $hidden | Should -Not -Match 'Epoch 1: loss'
    }

    It 'go to -InformationVariable with the tag Mnist.Epoch' {
        $null = $data | Invoke-MnistTraining -Epochs 2 -Seed 1 -InformationAction SilentlyContinue -InformationVariable lines
        $lines.Count | Should -Be 2
        $lines[0].Tags | Should -Contain 'Mnist.Epoch'
    }
}

Describe 'History rows answer to the Keras names their view shows' {
    BeforeAll { $script:model = $data | Invoke-MnistTraining -Epochs 2 -Seed 9 -Quiet }

    It 'in Where-Object, Sort-Object and Select-Object' {
        ($model.History | Where-Object val_accuracy -gt 0).Count | Should -Be 2
        ($model.History | Sort-Object val_loss | Select-Object -First 1).ValLoss | Should -Be ($model.History.ValLoss | Measure-Object -Minimum).Minimum
        ($model.History | Select-Object lr, loss, accuracy)[0].lr | Should -Be $model.History[0].LearningRate
    }

    It 'in Export-Csv and ConvertTo-Json' {
        $csv = $model.History | ConvertTo-Csv | ConvertFrom-Csv
        [double]$csv[1].val_accuracy | Should -Be $model.History[1].ValAccuracy
        ($model.History[0] | ConvertTo-Json | ConvertFrom-Json).val_loss | Should -Be $model.History[0].ValLoss
    }
}

Describe 'Every column a view shows is a property a script can use' {
    It 'for <Type>' -ForEach @(
        @{ Type = 'Mnist.Core.Data.MnistDataset'; Make = { $data } }
        @{ Type = 'Mnist.Core.Data.MnistSplit'; Make = { $data.Train } }
        @{ Type = 'Mnist.Core.Data.MnistSample'; Make = { $data | Get-MnistSample -Index 0 } }
        @{ Type = 'Mnist.Core.Modeling.MnistModel'; Make = { $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet } }
        @{ Type = 'Mnist.Core.Training.EpochRecord'; Make = { ($data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet).History[0] } }
        @{ Type = 'Mnist.Core.Evaluation.MnistEvaluation'; Make = { $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet | Test-MnistModel } }
        @{ Type = 'Mnist.Core.Evaluation.MnistPrediction'; Make = { $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet | Get-MnistPrediction -Index 0 } }
    ) {
        $object = & $Make
        $format = [xml](Get-Content (Join-Path (Split-Path $ModuleManifest) 'Mnist.format.ps1xml') -Raw)
        $views = $format.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq $Type }
        $labels = @($views | ForEach-Object {
                if ($_.TableControl) { $_.TableControl.TableHeaders.TableColumnHeader.Label }
                if ($_.ListControl) { $_.ListControl.ListEntries.ListEntry.ListItems.ListItem | ForEach-Object { if ($_.Label) { $_.Label } else { $_.PropertyName } } }
            })
        $labels | Should -Not -BeNullOrEmpty
        $names = $object.PSObject.Properties.Name
        foreach ($label in $labels) { $names | Should -Contain $label -Because "the view of $Type shows a '$label' column" }
    }
}

Describe 'Get-MnistPrediction -Pixels' {
    It 'takes one image as a flat list' {
        $model = $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet
        $sample = $data | Get-MnistSample -Index 0
        @(Get-MnistPrediction -Model $model -Pixels $sample.Pixels).Count | Should -Be 1
        @(Get-MnistPrediction -Model $model -Pixels ([int[]]$sample.Pixels)).Count | Should -Be 1
        @(Get-MnistPrediction -Model $model -Pixels $sample.Pixels, $sample.Pixels).Count | Should -Be 2
    }

    It 'binds a Pixels property by name' {
        $model = $data | Invoke-MnistTraining -Epochs 1 -Seed 1 -Quiet
        $prediction = [pscustomobject]@{ Pixels = ($data | Get-MnistSample -Index 0).Pixels } | Get-MnistPrediction -Model $model
        @($prediction).Count | Should -Be 1
    }
}
