@{
    Synopsis    = 'Gets the rows of a sweep folder that Invoke-MnistSweep wrote, best first: of a finished sweep, or of one still running.'
    Description = 'Reads the sweep''s definition and each trial''s state and result from the folder, without taking its lock, so a sweep can be watched from another shell while it runs. The rows are those Invoke-MnistSweep outputs: Rank, Trial, Status, Score (the monitored figure at the best epoch), BestEpoch, Seconds, Host, Reason, ModelPath and each swept parameter as a property of its own.'
    Parameters  = @{
        LiteralPath     = 'The sweep''s folder, taken exactly as written (no wildcards); folders piped from Get-Item or Get-ChildItem bind here by their PSPath.'
        Path = 'The sweep''s folder (Invoke-MnistSweep -Path); wildcards must match one folder.'
    }
    Inputs      = @('System.String or System.IO.DirectoryInfo: the sweep folder.')
    Outputs     = @('Mnist.Core.Sweeps.SweepTrial: one row per trial, best first.')
    Examples    = @(
        @{ Code = @'
$folder = Join-Path ([IO.Path]::GetTempPath()) "sweep-$(Get-Random)"
Import-MnistData -TrainCount 500 -TestCount 100 | Invoke-MnistSweep -Parameter @{ LearningRate = 0.001, 0.003 } -Epochs 1 -Seed 1 -Path $folder | Out-Null
Get-MnistSweep -Path $folder | Select-Object -First 1 Rank, LearningRate, Score
'@; Remarks = 'Reads the rows of the sweep back from its folder: the best trial first.' }
        @{ Code = 'Get-MnistSweep ./sweep | Where-Object Status -eq Failed | Format-List Trial, Description, Reason'; Remarks = 'Lists the failed trials of a sweep and why each failed.'; NotRunByTests = 'it needs a sweep folder in ./sweep' }
    )
}
