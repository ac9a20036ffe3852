# Settings a cmdlet changes for its own work (libtorch's process-wide thread count) are put back when it ends,
# whether it ends well, with an error, or stopped.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    New-MnistModel -Seed 1 -HiddenUnits 8 | Out-Null   # loads TorchSharp
    # Found among the loaded assemblies, whichever load context the module uses for TorchSharp.
    $script:torch = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TorchSharp' } |
        Select-Object -First 1 | ForEach-Object { $_.GetType('TorchSharp.torch') }
    function Get-TorchThreads { $torch.GetMethod('get_num_threads').Invoke($null, @()) }
    $script:data = Import-MnistData -TrainCount 300 -TestCount 10
    $script:before = Get-TorchThreads
    $script:other = if ($before -eq 1) { 2 } else { 1 }
}

Describe 'Invoke-MnistTraining -ThreadCount' {
    It 'puts the thread count back after a training that ends well' {
        $data | Invoke-MnistTraining -Epochs 1 -ThreadCount $other -ValidationSplit 0 -Quiet | Out-Null
        Get-TorchThreads | Should -Be $before
    }

    It 'puts the thread count back after a training that fails' {
        { $data | Invoke-MnistTraining -Epochs 1 -ThreadCount $other -Quiet -CheckpointPath (Join-Path (New-TestFolder) 'missing/model.mnist') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FolderNotFound,*'
        Get-TorchThreads | Should -Be $before
    }

    It 'puts the thread count back after a training stopped from -OnEpochEnd' {
        { $data | Invoke-MnistTraining -Epochs 3 -ThreadCount $other -ValidationSplit 0 -Quiet -OnEpochEnd { throw 'stop here' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnEpochEndFailed,*'
        Get-TorchThreads | Should -Be $before
    }
}
