# The runtime's native libraries: TorchSharp's libLibTorchSharp.so as Install-MnistRuntime patched it (Mnist.Core's
# WeakVersionNeed, the same logic as tools/Set-WeakVersionNeed.ps1).
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:runtime = (Get-MnistEnvironment).RuntimePath
    $script:library = Join-Path $runtime 'libLibTorchSharp.so'
}

Describe 'libLibTorchSharp.so in the installed runtime' -Skip:(-not $IsLinux) {
    It 'has every library and symbol version it needs, or needs it only weakly' {
        $report = & ldd $library 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0
        $missing = $report | Where-Object { $_ -match 'not found' -and $_ -notmatch 'weak version' }
        $missing | Should -BeNullOrEmpty
    }

    It 'binds libtorch from the runtime folder, not from the system' {
        $torch = & ldd $library | Where-Object { $_ -match '^\s*libtorch_cpu\.so' }
        $torch | Should -Match ([regex]::Escape($runtime))
    }

    It 'already marks GLIBCXX_3.4.32 weak, so patching again changes nothing' {
        $copy = Join-Path (New-TestFolder) 'libLibTorchSharp.so'
        Copy-Item $library $copy
        & "$PSScriptRoot/../../tools/Set-WeakVersionNeed.ps1" -Path $copy | Should -Be 0
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $library).Hash
    }
}

Describe 'tools/Set-WeakVersionNeed.ps1' {
    It 'rejects a file that is not ELF, naming it' {
        $file = Join-Path (New-TestFolder) 'not-elf.so'
        Set-Content $file 'plain text'
        { & "$PSScriptRoot/../../tools/Set-WeakVersionNeed.ps1" -Path $file } | Should -Throw "*not-elf.so*not an ELF file*"
    }
}
