# Join-MnistData: MNIST and a user's own digits as one dataset, with validation drawn from every part.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:FashionFolder = '/usr/share/datasets/fashion-mnist'

    # "My digits": a small dataset MNIST cannot explain, a bar of ink whose height is the class.
    function New-BarFolder([int] $Train, [int] $Test) {
        $folder = Join-Path (New-TestFolder) 'bars'
        New-Item -ItemType Directory $folder | Out-Null
        foreach ($split in @(@{ Prefix = 'train'; Count = $Train }, @{ Prefix = 't10k'; Count = $Test })) {
            $pixels = [byte[]]::new($split.Count * 784)
            $labels = [byte[]]::new($split.Count)
            for ($i = 0; $i -lt $split.Count; $i++) {
                $class = $i % 10
                $labels[$i] = $class
                $start = 2 + ($i % 3)            # a little variation in where the bar starts
                for ($row = 2 * $class + 4; $row -lt 2 * $class + 6; $row++) {
                    for ($column = $start; $column -lt $start + 20; $column++) { $pixels[$i * 784 + $row * 28 + $column] = 255 }
                }
            }
            Write-IdxFile "$folder/$($split.Prefix)-images-idx3-ubyte" 2051 @($split.Count, 28, 28) $pixels
            Write-IdxFile "$folder/$($split.Prefix)-labels-idx1-ubyte" 2049 @($split.Count) $labels
        }
        $folder
    }

    $script:mnist = Import-MnistData -TrainCount 500 -TestCount 100
    $script:bars = Import-MnistData -Path (New-BarFolder -Train 50 -Test 50)
    $script:joined = $mnist | Join-MnistData -Dataset $bars
}

Describe 'Join-MnistData' {
    It 'joins a piped dataset with -Dataset: the splits one after the other, the parts named' {
        $joined.Name | Should -Be 'mnist+bars'
        $joined.Train.Count | Should -Be 550
        $joined.Test.Count | Should -Be 150
        $joined.Parts.Name | Should -Be @('mnist', 'bars')
        $joined.Parts.TrainCount | Should -Be @(500, 50)
        $joined.Train.PartCounts | Should -Be @(500, 50)
        $joined.Train.GetImage(500) | Should -Be $bars.Train.GetImage(0)
        $joined.Test.Labels[100..149] | Should -Be $bars.Test.Labels
    }

    It 'joins -Dataset $a, $b alone, under a -Name' {
        $both = Join-MnistData -Dataset $bars, $mnist -Name 'bars-first'
        $both.Name | Should -Be 'bars-first'
        $both.Parts.Name | Should -Be @('bars', 'mnist')
    }

    It 'shows the parts in the dataset''s list view' {
        ($joined | Format-List | Out-String) | Should -Match 'Parts\s*:\s*mnist \(500 train, 100 test\)'
    }

    It 'refuses datasets of other classes, naming both' {
        $clothes = Import-MnistData -Path $bars.Source -Name clothes -ClassNames fashion-mnist
        $err = { $mnist | Join-MnistData -Dataset $clothes -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'DataJoinMismatch,Mnist.Cmdlets.Commands.JoinMnistDataCommand'
        $err.Exception.Message | Should -Match "'mnist'.*'clothes'"
        $err.Exception.Message | Should -Match 'Ankle boot'
    }

    It 'refuses Fashion-MNIST joined to MNIST' {
        if (-not (Test-Path $FashionFolder)) { Set-ItResult -Skipped -Because "Debian's dataset-fashion-mnist is not installed"; return }
        $fashion = Import-MnistData -Path $FashionFolder -TrainCount 100 -TestCount 10
        { Join-MnistData -Dataset $mnist, $fashion -ErrorAction Stop } | Should -Throw -ErrorId 'DataJoinMismatch,*'
    }

    It 'needs two datasets' {
        { $mnist | Join-MnistData -ErrorAction Stop } | Should -Throw -ErrorId 'JoinNeedsTwoDatasets,*'
    }
}

Describe 'Training on joined data' {
    BeforeAll {
        $script:alone = $mnist | Invoke-MnistTraining -Epochs 3 -BatchSize 32 -Seed 3 -ThreadCount 1 -Quiet
        $script:model = $joined | Invoke-MnistTraining -Epochs 3 -BatchSize 32 -Seed 3 -ThreadCount 1 -ValidationSplit 0.1 -Quiet
    }

    It 'trains on the small set joined after MNIST at -ValidationSplit 0.1 (validation comes from every part)' {
        # Keras would train on rows 0-494 (MNIST only) and validate on the last 55: 5 MNIST images and all 50 bars,
        # so it would score on bars like the model trained on MNIST alone. Here the last tenth of each part is held
        # out: 450 MNIST images and 45 bars are trained on.
        $model.History[0].Samples | Should -Be 495
        $onBars = $model | Test-MnistModel -Data $bars
        $withoutBars = $alone | Test-MnistModel -Data $bars
        $onBars.Accuracy | Should -BeGreaterThan 0.9
        $withoutBars.Accuracy | Should -BeLessThan 0.5
    }

    It 'still learns MNIST from the joined data' {
        ($model | Test-MnistModel -Data $mnist).Accuracy | Should -BeGreaterThan 0.6
    }

    It 'remembers the joined data, and scores on its test split without -Data' {
        $model.TrainingData.Parts.Name | Should -Be @('mnist', 'bars')
        $evaluation = $model | Test-MnistModel
        $evaluation.Count | Should -Be 150
    }

    It 'saves and loads the joined identity with the model' {
        $path = Join-Path (New-TestFolder) 'joined.mnist'
        $model | Export-MnistModel -Path $path
        $loaded = Import-MnistModel -Path $path
        $loaded.TrainingData | Should -Be $model.TrainingData
        $loaded.TrainingData.Parts.TrainCount | Should -Be @(500, 50)
        ($loaded | Test-MnistModel).Count | Should -Be 150
        $pt = Join-Path (New-TestFolder) 'joined.pt'
        $model | Export-MnistModel -Path $pt
        (Import-MnistModel -Path $pt).TrainingData.Parts.Name | Should -Be @('mnist', 'bars')
    }

    It 'trains unjoined data exactly as before joins existed (seeded History recorded at commit 12b079c)' {
        # Recorded with the module built from commit 12b079c (before datasets had parts), on this machine:
        # Import-MnistData -TrainCount 500 -TestCount 100 | Invoke-MnistTraining -Epochs 2 -Seed 7 -ThreadCount 1 -BatchSize 50
        $recorded = @(
            @{ Loss = 1.779929158501327; Accuracy = 0.4711111111111111; ValLoss = 1.266649932861328; ValAccuracy = 0.68 }
            @{ Loss = 0.7749885389519234; Accuracy = 0.8488888888888889; ValLoss = 0.829546890258789; ValAccuracy = 0.82 }
        )
        $now = Import-MnistData -TrainCount 500 -TestCount 100 | Invoke-MnistTraining -Epochs 2 -Seed 7 -ThreadCount 1 -BatchSize 50 -Quiet
        foreach ($epoch in 0, 1) {
            foreach ($metric in 'Loss', 'Accuracy', 'ValLoss', 'ValAccuracy') {
                $now.History[$epoch].$metric | Should -Be $recorded[$epoch][$metric] -Because "epoch $($epoch + 1) $metric"
            }
            $now.History[$epoch].Samples | Should -Be 450
        }
    }
}
