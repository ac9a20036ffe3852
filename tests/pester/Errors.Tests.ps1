# docs/errors.md is the list scripts rely on: it must name every error id the code can raise.
BeforeDiscovery {
    $root = Resolve-Path "$PSScriptRoot/../.."
    $source = (Get-ChildItem "$root/src" -Recurse -Filter *.cs | Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]' |
        ForEach-Object { Get-Content -Raw $_.FullName }) -join "`n"
    # Ids written where the error is made...
    $literal = [regex]::Matches($source, 'MnistException\(\s*"(\w+)"|new\(\s*"(\w+)",\s*MnistErrorKind|ErrorId\s*=\s*"(\w+)"') |
        ForEach-Object { $_.Groups[1].Value + $_.Groups[2].Value + $_.Groups[3].Value }
    # ...and ids kept in constants (LayerParser.InvalidLayer, MnistModel.DisposedErrorId) that an error is made with.
    $constants = @{}
    foreach ($match in [regex]::Matches($source, '(\w+)\s*=\s*"(\w+)"')) { $constants[$match.Groups[1].Value] += @($match.Groups[2].Value) }
    $named = [regex]::Matches($source, 'MnistException\(\s*([\w.]+)\s*,|new\(\s*([\w.]+),\s*MnistErrorKind') |
        ForEach-Object { ($_.Groups[1].Value + $_.Groups[2].Value).Split('.')[-1] } | Sort-Object -Unique |
        ForEach-Object { $constants[$_] }
    $script:errorIds = @($literal) + @($named) | Sort-Object -Unique | ForEach-Object { @{ ErrorId = $_ } }
}

Describe 'docs/errors.md' {
    BeforeAll {
        $script:table = Get-Content "$PSScriptRoot/../../docs/errors.md" -Raw
    }

    It 'finds the error ids in the source, also those kept in constants' {
        $errorIds.Count | Should -BeGreaterThan 20
        $errorIds.ErrorId | Should -Contain 'NetworkTooLarge'
        $errorIds.ErrorId | Should -Contain 'ModelInTraining'
    }

    It 'documents <ErrorId>' -TestCases $errorIds {
        $table | Should -Match "\| ``$ErrorId`` \|"
    }

    It 'is linked from the README' {
        Get-Content "$PSScriptRoot/../../README.md" -Raw | Should -Match '\(docs/errors\.md\)'
    }
}

Describe 'RecommendedAction' {
    BeforeAll {
        $script:advice = Get-Content "$PSScriptRoot/../../src/MnistCmdlets/Infrastructure/ErrorAdvice.cs" -Raw
        . "$PSScriptRoot/Common.ps1"
        Import-Module $ModuleManifest
    }

    It 'has advice for <ErrorId>' -TestCases $errorIds {
        $advice | Should -Match "\[""$ErrorId""\] = "
    }

    It 'is set on the error records users see, in the cmdlet''s terms' {
        $folder = New-TestFolder
        $path = Join-Path $folder 'm.mnist'
        New-MnistModel -Seed 1 -HiddenUnits 8 | Export-MnistModel -Path $path
        $thrown = { New-MnistModel -Seed 1 -HiddenUnits 8 | Export-MnistModel -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        $thrown.CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'ships errors.md with the module' {
        $shipped = Join-Path (Split-Path $ModuleManifest) 'errors.md'
        Test-Path $shipped | Should -BeTrue
        (Get-Content $shipped -Raw) | Should -Be (Get-Content "$PSScriptRoot/../../docs/errors.md" -Raw)
    }
}
