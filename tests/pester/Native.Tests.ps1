# The built module's native libraries: TorchSharp's libLibTorchSharp.so as patched by the build (tools/Set-WeakVersionNeed.ps1).
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    $script:library = Join-Path (Split-Path $ModuleManifest) 'libLibTorchSharp.so'
}

Describe 'libLibTorchSharp.so in the built module' -Skip:(-not $IsLinux) {
    It 'has every library and symbol version it needs, or needs it only weakly' {
        $report = & ldd $library 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0
        $missing = $report | Where-Object { $_ -match 'not found' -and $_ -notmatch 'weak version' }
        $missing | Should -BeNullOrEmpty
    }

    It 'binds libtorch from the module folder, not from the system' {
        $torch = & ldd $library | Where-Object { $_ -match '^\s*libtorch_cpu\.so' }
        $torch | Should -Match ([regex]::Escape((Split-Path $ModuleManifest)))
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
