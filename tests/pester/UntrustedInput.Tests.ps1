# Untrusted input, second round (issue 23): pictures cut short or padded with one huge chunk, FIFOs where files are
# expected, -CheckpointPath onto someone's notes, unusable environment variables, NUL characters and long names,
# hostile runtime feeds on a loopback server, and names that carry terminal escape sequences. Each case is made here,
# refused with the module's documented error naming the file, variable or address, and the next file still works.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    Use-ModuleAssembly SkiaSharp
    $script:folder = New-TestFolder
    $script:model = New-MnistModel -Seed 4 -HiddenUnits 16

    # A 200x200 PNG of a dark bar on white paper.
    function New-BarPng([string] $Path) {
        $bitmap = [SkiaSharp.SKBitmap]::new(200, 200)
        $canvas = [SkiaSharp.SKCanvas]::new($bitmap)
        $canvas.Clear([SkiaSharp.SKColors]::White)
        $paint = [SkiaSharp.SKPaint]::new(); $paint.Color = [SkiaSharp.SKColors]::Black
        $canvas.DrawRect(90, 30, 25, 140, $paint)
        $canvas.Dispose(); $paint.Dispose()
        $data = $bitmap.Encode([SkiaSharp.SKEncodedImageFormat]::Png, 100)
        $bytes = $data.ToArray(); $data.Dispose(); $bitmap.Dispose()
        if ($Path) { [IO.File]::WriteAllBytes($Path, $bytes) }
        , $bytes
    }

    # Environment variables changed by a test are put back after it.
    function Use-Environment([hashtable] $Values, [scriptblock] $Script) {
        $saved = @{}
        foreach ($name in $Values.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Values[$name]) }
        try { & $Script } finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    }

    $script:good = Join-Path $folder 'good.png'
    $null = New-BarPng $good
}

Describe 'Get-MnistPrediction on hostile pictures' {
    It 'refuses a truncated PNG with ImageUnreadable naming it, and predicts the next file' {
        $bytes = New-BarPng
        $cut = Join-Path $folder 'cut.png'
        [IO.File]::WriteAllBytes($cut, $bytes[0..([int]($bytes.Length * 0.6))])
        $predictions = Get-MnistPrediction -Model $model -LiteralPath $cut, $good -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ImageUnreadable,Mnist.Cmdlets.Commands.GetMnistPredictionCommand'
        $problems[0].TargetObject | Should -Be $cut
        $problems[0].Exception.Message | Should -BeLike "*$cut*truncated*"
        @($predictions).Count | Should -Be 1
        $predictions[0].File | Should -Be $good
    }

    It 'reads a 200x200 PNG followed by a 24 MB ancillary chunk in seconds and little memory (in a child process)' {
        $bytes = New-BarPng
        $padded = Join-Path $folder 'padded.png'
        $stream = [IO.File]::Create($padded)
        $stream.Write($bytes, 0, 33)
        $length = [BitConverter]::GetBytes([int](24MB)); [array]::Reverse($length); $stream.Write($length, 0, 4)
        $stream.Write([Text.Encoding]::ASCII.GetBytes('abCd'), 0, 4)
        $stream.Write([byte[]]::new(24MB), 0, 24MB)
        $stream.Write([byte[]]::new(4), 0, 4)
        $stream.Write($bytes, 33, $bytes.Length - 33)
        $stream.Dispose()
        $script = @"
Import-Module '$ModuleManifest'
function Get-Hwm { [long]((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '') * 1KB }
`$model = New-MnistModel -Seed 4 -HiddenUnits 16
`$null = Get-MnistPrediction -Model `$model -LiteralPath '$good'
[GC]::Collect()
`$base = Get-Hwm
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$p = Get-MnistPrediction -Model `$model -LiteralPath '$padded', '$good'
'seconds=' + `$clock.Elapsed.TotalSeconds
'count=' + @(`$p).Count
'same=' + (`$p[0].Predicted -eq `$p[1].Predicted -and [Math]::Abs(`$p[0].Confidence - `$p[1].Confidence) -lt 1e-6)
'growth=' + ((Get-Hwm) - `$base)
"@
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'count=2' -Because $output
        $output | Should -Match 'same=True' -Because $output
        $seconds = [double]([regex]::Match($output, 'seconds=([\d.]+)').Groups[1].Value)
        $seconds | Should -BeLessThan 10 -Because 'libpng took minutes on such a chunk before (quadratic in its size)'
        $growth = [long]([regex]::Match($output, 'growth=(\d+)').Groups[1].Value)
        $growth | Should -BeLessThan 200MB -Because "peak RSS grew by $([math]::Round($growth / 1MB)) MB for a 24 MB file"
    }
}

Describe 'Readers given a FIFO (checked in a child process that must not hang)' {
    It 'refuses a FIFO as a model, an npz and a picture with InputNotAFile at once, and reads the next file' {
        $fifoFolder = New-TestFolder
        foreach ($name in 'model.mnist', 'mnist.npz', 'digit.png') { & mkfifo (Join-Path $fifoFolder $name) }
        $goodModel = Join-Path $fifoFolder 'good.mnist'
        $model | Export-MnistModel -Path $goodModel
        $script = @"
Import-Module '$ModuleManifest'
`$m = Import-MnistModel '$fifoFolder/model.mnist', '$goodModel' -ErrorVariable e1 -ErrorAction SilentlyContinue
'model=' + `$e1[0].FullyQualifiedErrorId + '|' + `$e1[0].TargetObject + '|' + @(`$m).Count
try { Import-MnistData -LiteralPath '$fifoFolder/mnist.npz' } catch { 'npz=' + `$_.FullyQualifiedErrorId + '|' + `$_.TargetObject }
`$p = Get-MnistPrediction -Model `$m[0] -LiteralPath '$fifoFolder/digit.png', '$good' -ErrorVariable e2 -ErrorAction SilentlyContinue
'picture=' + `$e2[0].FullyQualifiedErrorId + '|' + `$e2[0].TargetObject + '|' + @(`$p).Count
"@
        $process = Start-Process dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script -PassThru `
            -RedirectStandardOutput (Join-Path $fifoFolder 'out.txt') -RedirectStandardError (Join-Path $fifoFolder 'err.txt')
        $finished = $process.WaitForExit(120000)
        if (-not $finished) { $process.Kill($true) }
        $finished | Should -BeTrue -Because 'a reader that opens a FIFO blocks forever'
        $output = Get-Content (Join-Path $fifoFolder 'out.txt') -Raw
        $output | Should -Match "model=InputNotAFile,Mnist.Cmdlets.Commands.ImportMnistModelCommand\|$fifoFolder/model.mnist\|1" -Because $output
        $output | Should -Match "npz=InputNotAFile,Mnist.Cmdlets.Commands.ImportMnistDataCommand\|$fifoFolder/mnist.npz" -Because $output
        $output | Should -Match "picture=InputNotAFile,Mnist.Cmdlets.Commands.GetMnistPredictionCommand\|$fifoFolder/digit.png\|1" -Because $output
    }
}

Describe 'Invoke-MnistTraining -CheckpointPath' {
    BeforeAll {
        $script:data = Import-MnistData -TrainCount 600 -TestCount 50
    }

    It 'refuses to replace a file that is not a checkpoint before the first epoch, and replaces it with -Force' {
        $notes = Join-Path $folder 'notes.txt'
        Set-Content $notes 'my notes'
        $fresh = New-MnistModel -Seed 5 -HiddenUnits 16
        $thrown = { $data | Invoke-MnistTraining -Model $fresh -Epochs 1 -CheckpointPath $notes -Quiet -ErrorAction Stop } |
            Should -Throw -ErrorId 'CheckpointWouldReplace,Mnist.Cmdlets.Commands.InvokeMnistTrainingCommand' -PassThru
        $thrown.TargetObject | Should -Be $notes
        $fresh.EpochsTrained | Should -Be 0
        Get-Content $notes | Should -Be 'my notes'

        $null = $data | Invoke-MnistTraining -Model $fresh -Epochs 1 -CheckpointPath $notes -Force -Quiet
        (Import-MnistModel $notes).EpochsTrained | Should -Be 1
    }

    It 'writes ONNX for .onnx, which Import-MnistModel reads back' {
        $onnx = Join-Path $folder 'best.onnx'
        $trained = $data | Invoke-MnistTraining -Model (New-MnistModel -Seed 6 -HiddenUnits 16) -Epochs 1 -CheckpointPath $onnx -Quiet
        $back = Import-MnistModel $onnx
        $back.ParameterCount | Should -Be $trained.ParameterCount
    }

    It 'refuses a checkpoint path holding a NUL with PathHasNul before the first epoch' {
        $fresh = New-MnistModel -Seed 7 -HiddenUnits 16
        { $data | Invoke-MnistTraining -Model $fresh -Epochs 1 -CheckpointPath (Join-Path $folder "be`0st.mnist") -Quiet -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathHasNul,*'
        $fresh.EpochsTrained | Should -Be 0
    }
}

Describe 'Paths with NUL and long names' {
    It 'refuses <Command> with PathHasNul' -TestCases @(
        @{ Command = 'Export-MnistModel'; Call = { $model | Export-MnistModel -Path (Join-Path $folder "a`0b.mnist") -ErrorAction Stop } }
        @{ Command = 'Export-MnistChart'; Call = { Import-MnistData -TrainCount 10 -TestCount 10 | Get-MnistSample -Index 0, 1 | Export-MnistChart -Path (Join-Path $folder "a`0b.png") -ErrorAction Stop } }
    ) {
        $Call | Should -Throw -ErrorId "PathHasNul,*"
    }

    It 'reports a NUL path among model files and imports the next' {
        $goodModel = Join-Path $folder 'nul-next.mnist'
        $model | Export-MnistModel -Path $goodModel
        $models = Import-MnistModel -LiteralPath (Join-Path $folder "x`0y.mnist"), $goodModel -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'PathHasNul,Mnist.Cmdlets.Commands.ImportMnistModelCommand'
        @($models).Count | Should -Be 1
    }

    It 'writes a model under a 250-byte name and reads it back' {
        $long = Join-Path $folder (('m' * 244) + '.mnist')
        $model | Export-MnistModel -Path $long
        (Import-MnistModel $long).ParameterCount | Should -Be $model.ParameterCount
        Get-ChildItem $folder -Force -Filter '*.mnist-tmp' | Should -BeNullOrEmpty
    }
}

Describe 'Environment variables' {
    It 'refuses $env:<Variable> = <Case> with EnvironmentVariableInvalid naming the variable' -TestCases @(
        @{ Variable = 'MNIST_DATA_DIR'; Case = 'a file'; Value = { $f = Join-Path $folder 'a-file'; Set-Content $f x; $f } }
        @{ Variable = 'MNIST_DOWNLOAD_TIMEOUT'; Case = '1e7'; Value = { '1e7' } }
        @{ Variable = 'MNIST_DOWNLOAD_TIMEOUT'; Case = 'Infinity'; Value = { 'Infinity' } }
    ) {
        $values = @{ $Variable = (& $Value) }
        # A download is needed for the timeout to matter: an empty cache, and a mirror that is never reached.
        if ($Variable -eq 'MNIST_DOWNLOAD_TIMEOUT') { $values.MNIST_DATA_DIR = (New-TestFolder); $values.MNIST_MIRRORS = 'http://127.0.0.1:9/' }
        Use-Environment $values {
            $thrown = { Import-MnistData -ErrorAction Stop } | Should -Throw -ErrorId 'EnvironmentVariableInvalid,*' -PassThru
            $thrown.TargetObject | Should -Be $Variable
            $thrown.Exception.Message | Should -BeLike "*`$env:$Variable*"
        }
    }

    It 'resolves a relative MNIST_RUNTIME_HOME against the current location' {
        $here = New-TestFolder
        Push-Location $here
        try {
            Use-Environment @{ MNIST_RUNTIME_HOME = 'runtime-here' } {
                (Get-MnistEnvironment).RuntimeHome | Should -Be (Join-Path $here 'runtime-here')
            }
        } finally { Pop-Location }
    }
}

Describe 'Install-MnistRuntime from hostile feeds (a loopback server this test stops)' {
    BeforeAll {
        $script:listener = [System.Net.HttpListener]::new()
        $port = Get-Random -Minimum 20000 -Maximum 60000
        $script:prefix = "http://127.0.0.1:$port/"
        $listener.Prefixes.Add($prefix)
        $listener.Start()
        $script:server = Start-ThreadJob -ArgumentList $listener, $prefix {
            param($listener, $prefix)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { return }
                $path = $context.Request.Url.AbsolutePath
                if ($path -like '/stall/*') { continue } # accepted, never answered
                if ($path -eq '/v3/index.json') {
                    $body = [Text.Encoding]::UTF8.GetBytes("{`"version`":`"3.0.0`",`"resources`":[{`"@id`":`"${prefix}flat/`",`"@type`":`"PackageBaseAddress/3.0.0`"}]}")
                    $context.Response.OutputStream.Write($body, 0, $body.Length)
                } else { $context.Response.StatusCode = 404 }
                $context.Response.Close()
            }
        }
    }
    AfterAll {
        $listener.Stop(); $listener.Close()
        $server | Remove-Job -Force
    }

    It 'never shows the credentials of a feed address and leaves nothing after a failed install' {
        $runtimeHome = New-TestFolder
        $feed = $prefix.Replace('http://', 'http://reader:s3cret@') + 'v3/index.json?sig=t0ken'
        Use-Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } {
            $thrown = { Install-MnistRuntime -Source $feed -Platform win-x64 -Force -Verbose -ErrorAction Stop 4>&1 } |
                Should -Throw -ErrorId 'RuntimePackageNotFound,*' -PassThru
            ($thrown.Exception.Message + $thrown.TargetObject) | Should -Not -Match 's3cret|t0ken'
            $thrown.Exception.Message | Should -BeLike '*reader*' -Not
            $thrown.Exception.Message | Should -BeLike "*127.0.0.1:*"
        }
        @(Get-ChildItem $runtimeHome -Force -Recurse).Count | Should -Be 0 -Because 'a failed install leaves no versioned folder and no lock'
    }

    It 'gives up on a feed that accepts and never answers after MNIST_DOWNLOAD_TIMEOUT, naming it' {
        $runtimeHome = New-TestFolder
        Use-Environment @{ MNIST_RUNTIME_HOME = $runtimeHome; MNIST_DOWNLOAD_TIMEOUT = '1' } {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $thrown = { Install-MnistRuntime -Source "${prefix}stall/v3/index.json" -Platform win-x64 -Force -ErrorAction Stop } |
                Should -Throw -ErrorId 'RuntimeDownloadFailed,*' -PassThru
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
            $thrown.Exception.Message | Should -BeLike "*${prefix}stall/v3/index.json*"
        }
        @(Get-ChildItem $runtimeHome -Force -Recurse).Count | Should -Be 0
    }

    It 'stops at once when the pipeline is stopped while the feed stays silent' {
        $runtimeHome = New-TestFolder
        Use-Environment @{ MNIST_RUNTIME_HOME = $runtimeHome; MNIST_DOWNLOAD_TIMEOUT = '600' } {
            $shell = [powershell]::Create()
            try {
                [void]$shell.AddScript("Import-Module '$ModuleManifest'; Install-MnistRuntime -Source '${prefix}stall/v3/index.json' -Platform win-x64 -Force")
                $invocation = $shell.BeginInvoke()
                Start-Sleep -Seconds 2
                $shell.InvocationStateInfo.State | Should -Be 'Running' -Because 'the feed never answers'
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $shell.Stop()
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
                $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            } finally { $shell.Dispose() }
        }
        @(Get-ChildItem $runtimeHome -Force -Recurse).Count | Should -Be 0
    }

    It 'refuses a feed with another scheme, naming it' {
        { Install-MnistRuntime -Source 'ftp://127.0.0.1/feed/' -Platform win-x64 -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'RuntimeSourceNotFound,*'
    }
}

Describe 'Names from files on the terminal' {
    It 'shows a model name holding escape sequences with visible stand-ins after a round trip through a file' {
        $path = Join-Path $folder 'escape.mnist'
        New-MnistModel -Seed 8 -HiddenUnits 16 -Name "evil`e]0;owned`a`e[2J" | Export-MnistModel -Path $path
        $back = Import-MnistModel $path
        $back.Name | Should -Be "evil`e]0;owned`a`e[2J" -Because 'the data keeps its value; only what is shown changes'
        foreach ($text in ($back | Out-String), ($back | Format-Table | Out-String), $back.ToString(), $back.Summary) {
            $text | Should -Not -Match '[\x00-\x08\x0B-\x0C\x0E-\x1F\x7F]'
            $text | Should -Match 'evil␛\]0;owned␇␛\[2J'
        }
    }
}
