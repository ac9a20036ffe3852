# Import-MnistData against a broken mirror on loopback: it gives up in seconds, leaves no cache folder behind,
# and resolves a relative $env:MNIST_DATA_DIR against PowerShell's current location.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:saved = @{ Mirrors = $env:MNIST_MIRRORS; Dir = $env:MNIST_DATA_DIR; Timeout = $env:MNIST_DOWNLOAD_TIMEOUT }
}

AfterAll {
    $env:MNIST_MIRRORS = $saved.Mirrors; $env:MNIST_DATA_DIR = $saved.Dir; $env:MNIST_DOWNLOAD_TIMEOUT = $saved.Timeout
}

Describe 'Import-MnistData with a mirror that never answers' {
    It 'fails with DownloadFailed within seconds, says it is downloading, and leaves no empty cache folder' {
        # A listening socket that never accepts: connections complete, no answer ever comes.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $folder = New-TestFolder
        Push-Location $folder
        try {
            $env:MNIST_MIRRORS = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/"
            $env:MNIST_DOWNLOAD_TIMEOUT = '1'
            $env:MNIST_DATA_DIR = 'relative-cache'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $log = Join-Path $folder 'verbose.txt'
            $thrown = { Import-MnistData -Verbose -ErrorAction Stop 4> $log } | Should -Throw -ErrorId 'DownloadFailed,*' -PassThru
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
            $thrown.Exception.Message | Should -BeLike "*$(Join-Path $folder 'relative-cache')*"
            $thrown.Exception.Message | Should -BeLike '*sent nothing for 1 s*'
            Get-Content $log -Raw | Should -BeLike '*downloading them from*'
            Test-Path (Join-Path $folder 'relative-cache') | Should -BeFalse
            Test-Path (Join-Path (Get-Location -PSProvider FileSystem).ProviderPath 'relative-cache') | Should -BeFalse
        } finally {
            Pop-Location
            $listener.Stop()
        }
    }
}
