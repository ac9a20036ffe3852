# The module as a package: its manifest, and loading it more than once.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
}

Describe 'The module manifest' {
    BeforeAll {
        $script:manifest = Test-ModuleManifest $ModuleManifest -ErrorAction Stop
    }

    It 'passes Test-ModuleManifest' {
        $manifest.Name | Should -Be 'Mnist'
        $manifest.Version | Should -BeGreaterThan ([version]'0.0')
    }

    It 'has what the PowerShell Gallery shows: author, description, tags for each platform, license and release notes' {
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.Description.Length | Should -BeGreaterThan 40
        $manifest.Tags | Should -Contain 'MNIST'
        foreach ($tag in 'PSEdition_Core', 'Linux', 'Windows', 'MacOS') { $manifest.Tags | Should -Contain $tag }
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'names no project or help address that does not exist yet' {
        $manifest.ProjectUri | Should -BeNullOrEmpty
        $manifest.HelpInfoUri | Should -BeNullOrEmpty
    }

    It 'targets PowerShell 7.6 Core' {
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be ([version]'7.6')
    }

    It 'lists its cmdlets explicitly, exactly those the assembly has' {
        $data = Import-PowerShellDataFile $ModuleManifest
        $data.CmdletsToExport | Should -Not -Contain '*'
        # The assembly the module itself loaded (its dependencies resolve there, also when this file runs alone).
        Import-Module $ModuleManifest
        $assembly = (Get-Command Import-MnistData).ImplementingType.Assembly
        $inAssembly = $assembly.GetExportedTypes() | ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        @($data.CmdletsToExport | Sort-Object) | Should -Be @($inAssembly | Sort-Object)
        $data.FunctionsToExport.Count + $data.AliasesToExport.Count + $data.VariablesToExport.Count | Should -Be 0
    }

    It 'names format files that exist' {
        $data = Import-PowerShellDataFile $ModuleManifest
        $data.FormatsToProcess | Should -Not -BeNullOrEmpty
        foreach ($file in $data.FormatsToProcess) { Join-Path $manifest.ModuleBase $file | Should -Exist }
    }
}

Describe 'Loading the module' {
    It 'imports, removes and imports again in one session' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $result = $shell.AddScript({
                param($Manifest)
                $ErrorActionPreference = 'Stop'
                Import-Module $Manifest
                Remove-Module Mnist
                if (Get-Command New-MnistModel -ErrorAction Ignore) { throw 'New-MnistModel is still there after Remove-Module.' }
                Import-Module $Manifest
                (New-MnistModel -Seed 1).ParameterCount
                (Get-Help New-MnistModel).Synopsis
            }).AddArgument($ModuleManifest).Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $result[0] | Should -Be 407050
            $result[1] | Should -BeLike '*notebook*'
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }

    It 'imports with a prefix, so it can live beside another module''s ConvertTo-OneHot' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $result = $shell.AddScript({ param($Manifest) Import-Module $Manifest -Prefix Digit; (3 | ConvertTo-DigitOneHot -Classes 4) -join ',' }).
                AddArgument($ModuleManifest).Invoke()
            $result | Should -Be '0,0,0,1'
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }
}
