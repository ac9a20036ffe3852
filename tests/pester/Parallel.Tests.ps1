# Trainings that run at the same time in one process must not disturb each other: every model draws its
# initial weights, shuffles and dropout masks from its own generator.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:data = Import-MnistData -TrainCount 3000 -TestCount 500

    # Trains one model per run, all at once; a barrier makes them start their epochs together.
    function Invoke-AtOnce([hashtable[]] $Runs, [int] $Epochs = 2) {
        $barrier = [System.Threading.Barrier]::new($Runs.Count)
        try {
            $Runs | ForEach-Object -ThrottleLimit $Runs.Count -Parallel {
                Import-Module $using:ModuleManifest
                $model = New-MnistModel -Seed $_.Seed -Architecture ($_.Architecture ?? 'Mlp')
                [void]($using:barrier).SignalAndWait([timespan]::FromMinutes(2))
                $trained = $using:data | Invoke-MnistTraining -Model $model -Epochs $using:Epochs -ThreadCount $_.Threads -Quiet
                [pscustomobject]@{ Seed = $_.Seed; History = $trained.History }
            } | Sort-Object Seed
        } finally { $barrier.Dispose() }
    }

    function Invoke-OneByOne([hashtable[]] $Runs, [int] $Epochs = 2) {
        foreach ($run in $Runs | Sort-Object { $_.Seed }) {
            $model = New-MnistModel -Seed $run.Seed -Architecture ($run.Architecture ?? 'Mlp')
            $trained = $data | Invoke-MnistTraining -Model $model -Epochs $Epochs -ThreadCount $run.Threads -Quiet
            [pscustomobject]@{ Seed = $run.Seed; History = $trained.History }
        }
    }

    # The bit patterns, so that equal means bitwise equal and a failure shows every digit that differs.
    function Get-Numbers($History) {
        $History | ForEach-Object { $_.Loss, $_.Accuracy, $_.ValLoss, $_.ValAccuracy } | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
    }
}

Describe 'Two trainings at once' {
    It 'give bitwise the same History as one after the other, with -ThreadCount 1 each' {
        $runs = @(@{ Seed = 11; Threads = 1 }, @{ Seed = 12; Threads = 1 })
        $together = Invoke-AtOnce $runs
        $alone = Invoke-OneByOne $runs
        foreach ($i in 0, 1) {
            $together[$i].History.Count | Should -Be 2
            @(Get-Numbers $together[$i].History) | Should -Be @(Get-Numbers $alone[$i].History) -Because "seed $($runs[$i].Seed) must not notice the other training"
        }
    }

    It 'give the same History as alone when their thread counts differ (1 and 2)' {
        # One epoch: two threads for one run on top of the other oversubscribes a 2-core machine, and OpenMP is slow then.
        $runs = @(@{ Seed = 21; Threads = 1 }, @{ Seed = 22; Threads = 2 })
        $together = Invoke-AtOnce $runs -Epochs 1
        $alone = Invoke-OneByOne $runs -Epochs 1
        foreach ($i in 0, 1) {
            @(Get-Numbers $together[$i].History) | Should -Be @(Get-Numbers $alone[$i].History)
        }
    }

    It 'with the same seed, give the same result as each other' {
        $twins = Invoke-AtOnce @(@{ Seed = 5; Threads = 1 }, @{ Seed = 5; Threads = 1 })
        @(Get-Numbers $twins[0].History) | Should -Be @(Get-Numbers $twins[1].History)
    }

    It 'give bitwise the same History as one after the other for the CNNs, whose pooling and first layer run in C#' {
        $runs = @(@{ Seed = 31; Threads = 1; Architecture = 'FastCnn' }, @{ Seed = 32; Threads = 1; Architecture = 'Cnn' })
        $together = Invoke-AtOnce $runs -Epochs 1
        $alone = Invoke-OneByOne $runs -Epochs 1
        foreach ($i in 0, 1) {
            $together[$i].History[0].ValAccuracy | Should -BeGreaterThan 0.6 -Because 'the network learned on the slice (10% at chance)'
            @(Get-Numbers $together[$i].History) | Should -Be @(Get-Numbers $alone[$i].History) -Because "$($runs[$i].Architecture) must not notice the other training"
        }
    }
}

Describe 'Predictions from another thread during a training' {
    It 'wait their turn and leave the training bitwise as it is alone' {
        $layers = 'Conv2D(4, 3, activation=relu)', 'Flatten', 'Dropout(0.5)', 'Dense(10)'
        $alone = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 41 -Layers $layers) -Epochs 2 -ThreadCount 1 -Quiet

        $model = New-MnistModel -Seed 41 -Layers $layers
        $state = [hashtable]::Synchronized(@{ Done = $false; Count = 0 })
        $pixels = $data.Test.GetImage(0)
        $predicting = Start-ThreadJob -ArgumentList $model, $state, $pixels, $ModuleManifest -ScriptBlock {
            param($model, $state, $pixels, $manifest)
            Import-Module $manifest
            while (-not $state.Done) {
                $null = Get-MnistPrediction -Model $model -Pixels (, $pixels)
                $state.Count++
            }
        }
        try {
            $trained = $data | Invoke-MnistTraining -Model $model -Epochs 2 -ThreadCount 1 -Quiet
        } finally {
            $state.Done = $true
            $predicting | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop
            $predicting | Remove-Job -Force
        }
        $state.Count | Should -BeGreaterThan 10 -Because 'the predictions ran while the model trained'
        $trained.History[-1].ValAccuracy | Should -BeGreaterThan 0.6 -Because 'the network learned on the slice (10% at chance)'
        @(Get-Numbers $trained.History) | Should -Be @(Get-Numbers $alone.History) -Because 'the predictions neither switched dropout off nor drew from the model''s generator'
    }
}
