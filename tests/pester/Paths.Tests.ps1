# -Path expands wildcards and -LiteralPath never does, the same in every cmdlet; Get-ChildItem output binds to -LiteralPath.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:folder = New-TestFolder
    $script:model = New-MnistModel -Seed 5 -HiddenUnits 8
    $model | Export-MnistModel -Path (Join-Path $folder 'a.mnist')
    $model | Export-MnistModel -Path (Join-Path $folder 'b.mnist')
}

Describe 'Paths and wildcards' {
    It 'imports every model a wildcard matches (Import-MnistModel ./*.mnist)' {
        Push-Location $folder
        try { $models = Import-MnistModel ./*.mnist } finally { Pop-Location }
        @($models).Count | Should -Be 2
        $models.FilePath | Should -Be @((Join-Path $folder 'a.mnist'), (Join-Path $folder 'b.mnist'))
    }

    It 'reports a wildcard that matches nothing with ModelFileNotFound and goes on' {
        $models = Import-MnistModel (Join-Path $folder 'none*.mnist'), (Join-Path $folder 'a.mnist') -ErrorVariable errors -ErrorAction SilentlyContinue
        @($models).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelFileNotFound,*'
    }

    It 'writes and reads a name with brackets through -LiteralPath' {
        $odd = Join-Path $folder 'model[1].mnist'
        $model | Export-MnistModel -LiteralPath $odd
        Test-Path -LiteralPath $odd | Should -BeTrue
        (Import-MnistModel -LiteralPath $odd).Name | Should -Be $model.Name
    }

    It 'binds Get-ChildItem output to -LiteralPath' {
        $models = Get-ChildItem $folder -Filter '*.mnist' | Import-MnistModel
        @($models).Count | Should -Be 3
    }

    It 'refuses an output wildcard that matches several files' {
        { $model | Export-MnistModel -Path (Join-Path $folder '*.mnist') -Force -ErrorAction Stop } | Should -Throw -ErrorId 'PathWildcardNotUnique,*'
    }

    It 'loads data through a wildcard that matches one folder, and through -LiteralPath' {
        $idx = New-IdxFolder -Train 6 -Test 3
        (Import-MnistData -Path ($idx.Substring(0, $idx.Length - 4) + '*')).Train.Count | Should -Be 6
        (Import-MnistData -LiteralPath $idx).Test.Count | Should -Be 3
        (Get-Item $idx | Import-MnistData).Train.Count | Should -Be 6
    }

    It 'documents -LiteralPath for every cmdlet that has -Path' {
        foreach ($command in Get-Command -Module Mnist | Where-Object { $_.Parameters.ContainsKey('Path') }) {
            $command.Parameters.ContainsKey('LiteralPath') | Should -BeTrue -Because $command.Name
            (Get-Help $command.Name -Parameter LiteralPath).Description.Text | Should -Not -BeNullOrEmpty -Because $command.Name
        }
    }
}
