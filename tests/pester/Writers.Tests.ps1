# Writers: "refuse to overwrite without -Force" holds when writers race, and only regular files are ever replaced.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:folder = New-TestFolder
    $script:model = New-MnistModel -Seed 1 -HiddenUnits 16
    $script:source = Join-Path $folder 'source.mnist'
    $model | Export-MnistModel -Path $source
}

Describe 'Export-MnistModel under races and onto odd targets' {
    It 'lets exactly one of two exports to one new path at once succeed without -Force' {
        $targets = 1..12 | ForEach-Object { Join-Path $folder "race-$_.mnist" }
        $results = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:ModuleManifest
            $mine = Import-MnistModel $using:source
            foreach ($target in $using:targets) {
                try {
                    $mine | Export-MnistModel -Path $target -ErrorAction Stop
                    [pscustomobject]@{ Target = $target; Outcome = 'Written' }
                } catch {
                    [pscustomobject]@{ Target = $target; Outcome = ($_.FullyQualifiedErrorId -split ',')[0] }
                }
            }
        }
        foreach ($group in $results | Group-Object Target) {
            @($group.Group | Where-Object Outcome -EQ 'Written').Count | Should -Be 1 -Because $group.Name
            @($group.Group | Where-Object Outcome -EQ 'FileExists').Count | Should -Be 1 -Because $group.Name
        }
        Get-ChildItem $folder -Force -Filter '*.mnist-tmp' | Should -BeNullOrEmpty
    }

    It 'refuses a FIFO as a target, even with -Force, and leaves it a FIFO' {
        $fifo = Join-Path $folder 'pipe'
        & mkfifo $fifo
        { $model | Export-MnistModel -Path $fifo -Force -ErrorAction Stop } | Should -Throw -ErrorId 'TargetNotAFile,*'
        & stat -c '%F' $fifo | Should -Be 'fifo'
    }

    It 'refuses <Case> with <ErrorId> before writing anything' -TestCases @(
        @{ Case = 'a folder'; Relative = 'sub'; ErrorId = 'PathIsFolder' }
        @{ Case = 'a path ending in /'; Relative = 'new/'; ErrorId = 'PathIsFolder' }
        @{ Case = 'a missing folder'; Relative = 'missing/model.mnist'; ErrorId = 'FolderNotFound' }
    ) {
        New-Item -ItemType Directory (Join-Path $folder 'sub') -Force | Out-Null
        $path = Join-Path $folder $Relative
        $before = @(Get-ChildItem $folder -Recurse -Force).Count
        $thrown = { $model | Export-MnistModel -Path $path -Force -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*" -PassThru
        $thrown.TargetObject | Should -Not -BeNullOrEmpty
        @(Get-ChildItem $folder -Recurse -Force).Count | Should -Be $before
    }

    It 'refuses a checkpoint onto a FIFO before the first epoch' {
        $fifo = Join-Path $folder 'checkpoint-pipe'
        & mkfifo $fifo
        $untrained = New-MnistModel -Seed 2 -HiddenUnits 16
        $data = Import-MnistData -TrainCount 200 -TestCount 10
        { $data | Invoke-MnistTraining -Model $untrained -Epochs 1 -CheckpointPath $fifo -Quiet -ErrorAction Stop } |
            Should -Throw -ErrorId 'TargetNotAFile,*'
        $untrained.EpochsTrained | Should -Be 0
    }
}
