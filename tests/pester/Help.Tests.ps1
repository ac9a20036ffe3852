# Get-Help for every exported cmdlet, offline, from the MAML that tools/Build-Help.ps1 writes.
BeforeDiscovery {
    . "$PSScriptRoot/Common.ps1"
    $manifest = Import-PowerShellDataFile $ModuleManifest
    $script:cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    $helpSources = Join-Path $PSScriptRoot '../../module/help'
    $script:examples = foreach ($name in $manifest.CmdletsToExport) {
        $number = 0
        foreach ($example in (Import-PowerShellDataFile (Join-Path $helpSources "$name.psd1")).Examples) {
            $number++
            @{ Name = $name; Number = $number; Code = $example.Code; Skip = [bool]$example['NotRunByTests'] }
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
}

Describe 'Get-Help' {
    It 'has a synopsis and a description for <Name>' -TestCases $cmdlets {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -Match 'CommonParameters'   # without MAML, PowerShell shows the syntax as the synopsis
        $help.Synopsis.Length | Should -BeGreaterThan 20
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 80
    }

    It 'has two working examples for <Name>, each of which parses' -TestCases $cmdlets {
        $examples = @((Get-Help $Name -Examples).Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $tokens = $errors = $null
            [void][System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.Code)' must parse"
            $example.Code | Should -Match ([regex]::Escape($Name))
            ($example.Remarks.Text -join ' ') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter of <Name>' -TestCases $cmdlets {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        $documented = @((Get-Help $Name -Full).Parameters.Parameter)
        foreach ($parameter in $parameters) {
            $entry = $documented | Where-Object Name -EQ $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
            ($entry.Description.Text -join ' ').Length | Should -BeGreaterThan 10 -Because "-$parameter of $Name needs a description"
        }
    }

    It 'shows the metadata of <Name> from the code: mandatory, position, pipeline input' -TestCases $cmdlets {
        $command = Get-Command $Name
        foreach ($entry in (Get-Help $Name -Full).Parameters.Parameter) {
            $metadata = $command.Parameters[$entry.Name]
            if ($metadata.ParameterSets.Count -eq 1) {
                $entry.Required | Should -Be "$(@($metadata.ParameterSets.Values)[0].IsMandatory)".ToLowerInvariant()
            }
            if ($metadata.Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipeline }) { $entry.PipelineInput | Should -BeLike 'True*ByValue*' }
        }
    }

    It 'shows for each parameter of <Name> a default it accepts, or says in words what decides it' -TestCases $cmdlets {
        $command = Get-Command $Name
        foreach ($entry in (Get-Help $Name -Full).Parameters.Parameter) {
            $default = "$($entry.DefaultValue)"
            $default | Should -Not -Match '^System\.' -Because "-$($entry.Name) of $Name shows a type name as its default"
            $range = $command.Parameters[$entry.Name].Attributes | Where-Object { $_ -is [ValidateRange] }
            $number = 0.0
            if ($range -and $null -ne $range.MinRange -and [double]::TryParse($default, [ref]$number)) {
                $number | Should -BeGreaterOrEqual $range.MinRange -Because "-$($entry.Name) of $Name shows $default, which it refuses"
                $number | Should -BeLessOrEqual $range.MaxRange -Because "-$($entry.Name) of $Name shows $default, which it refuses"
            }
        }
    }

    It 'shows the defaults Export-MnistChart really takes: 3 columns, and the kind from the input' {
        $parameters = (Get-Help Export-MnistChart -Full).Parameters.Parameter
        ($parameters | Where-Object Name -EQ Columns).DefaultValue | Should -Be '3'
        ($parameters | Where-Object Name -EQ Kind).DefaultValue | Should -Match 'input'
        ((Get-Help Get-MnistSample -Full).Parameters.Parameter | Where-Object Name -EQ Index).DefaultValue | Should -Be '0'
    }

    It 'names no other module in the help of <Name>' -TestCases $cmdlets {
        Get-Help $Name -Full | Out-String | Should -Not -Match 'PSMnist'
    }

    It 'has the about_Mnist topic with the workflow' {
        $text = Get-Help about_Mnist | Out-String
        $text | Should -Match 'Import-MnistData \| Invoke-MnistTraining'
        $text | Should -Match 'Retrain every night'
    }

    It 'puts the help where PowerShell looks for a binary module''s help: a culture folder under the module base' {
        $base = (Get-Module Mnist).ModuleBase
        Join-Path $base 'en-US/MnistCmdlets.dll-Help.xml' | Should -Exist
        Join-Path $base 'en-US/about_Mnist.help.txt' | Should -Exist
        { [xml](Get-Content (Join-Path $base 'en-US/MnistCmdlets.dll-Help.xml') -Raw) } | Should -Not -Throw
    }
}

Describe 'The examples in the help' {
    It 'runs example <Number> of <Name> as printed' -TestCases $examples {
        if ($Skip) { Set-ItResult -Skipped -Because 'its help source says NotRunByTests'; return }
        if ($Code -match '-Precision BFloat16' -and -not (Get-MnistEnvironment).Avx512Bf16) {
            Set-ItResult -Skipped -Because 'it trains in bfloat16, and this processor has neither AVX512-BF16 nor AMX-BF16'; return
        }
        # In a folder of its own, so that examples which write ./file.png neither litter the checkout nor meet
        # the file an earlier run left.
        $folder = New-TestFolder
        Push-Location $folder
        try {
            $ErrorActionPreference = 'Stop'
            $output = & ([scriptblock]::Create($Code)) 6>$null
        } finally { Pop-Location }
        $wroteFiles = @(Get-ChildItem $folder).Count -gt 0
        # An example shows something or writes a file; only a -WhatIf example may do neither.
        ($null -ne $output -or $wroteFiles -or $Code -match '-WhatIf') | Should -BeTrue
    }
}

Describe 'Tab completion' {
    It 'completes <Line> with <Expected>' -TestCases @(
        @{ Line = 'Import-MnistData -Split '; Expected = 'Train' }
        @{ Line = 'New-MnistModel -Optimizer '; Expected = 'AdamW' }
        @{ Line = 'New-MnistModel -Architecture '; Expected = 'Cnn' }
        @{ Line = 'New-MnistModel -Architecture Fa'; Expected = 'FastCnn' }
        @{ Line = 'New-MnistModel -Schedule '; Expected = 'OneCycle' }
        @{ Line = 'Invoke-MnistTraining -ThreadCount '; Expected = '1' }
        @{ Line = 'Import-MnistData -Name fa'; Expected = 'fashion-mnist' }
        @{ Line = 'Import-MnistData -ClassNames '; Expected = "'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'" }
    ) {
        $completion = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain $Expected
    }

    It 'offers no more threads than the machine has processors' {
        $completion = TabExpansion2 -inputScript 'Invoke-MnistTraining -ThreadCount ' -cursorColumn 34
        $completion.CompletionMatches.Count | Should -Be ([Environment]::ProcessorCount)
    }
}
