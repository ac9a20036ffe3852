# docs/errors.md is the list scripts rely on: it must name every error id the code can raise.
BeforeDiscovery {
    $root = Resolve-Path "$PSScriptRoot/../.."
    $script:errorIds = Get-ChildItem "$root/src" -Recurse -Filter *.cs |
        Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]' |
        Select-String -Pattern 'MnistException\("(\w+)"|new\("(\w+)", MnistErrorKind' -AllMatches |
        ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value + $_.Groups[2].Value } |
        Sort-Object -Unique | ForEach-Object { @{ ErrorId = $_ } }
}

Describe 'docs/errors.md' {
    BeforeAll {
        $script:table = Get-Content "$PSScriptRoot/../../docs/errors.md" -Raw
    }

    It 'finds the error ids in the source' {
        $errorIds.Count | Should -BeGreaterThan 20
    }

    It 'documents <ErrorId>' -TestCases $errorIds {
        $table | Should -Match "\| ``$ErrorId`` \|"
    }

    It 'is linked from the README' {
        Get-Content "$PSScriptRoot/../../README.md" -Raw | Should -Match '\(docs/errors\.md\)'
    }
}
