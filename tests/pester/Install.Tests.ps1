# The module as a user installs it: a small package from a repository, then the runtime from a feed.
# Everything runs offline: the repository is a local folder, the feed a folder made from the NuGet cache.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:moduleFolder = Split-Path $ModuleManifest
    $script:work = New-TestFolder
    $script:nugetCache = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $script:rid = 'linux-x64'
    $script:pinned = [Mnist.Core.Runtime.RuntimePins]::Current.PackagesFor($rid)

    # A feed of the pinned packages, as a user copies them to an offline machine (hard links: no 130 MB copy).
    $script:feed = New-Item -ItemType Directory (Join-Path $work 'feed')
    foreach ($package in $pinned) {
        $source = Join-Path $nugetCache "$($package.Id)/$($package.Version)/$($package.FileName)"
        $target = Join-Path $feed $package.FileName
        try { New-Item -ItemType HardLink -Path $target -Target $source -ErrorAction Stop | Out-Null }
        catch { Copy-Item $source $target }
    }

    # Runs a script in a fresh pwsh with the given environment (a value of $null removes the variable).
    # The script's last line of output is JSON; returns it as an object with ExitCode and Output added.
    function Invoke-Child([string] $Script, [hashtable] $Environment = @{}, [switch] $NoWait) {
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $arguments = @("$PSHOME/pwsh.dll", '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $Script)
            if ($NoWait) {
                $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
                foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
                $start.RedirectStandardOutput = $true
                $start.RedirectStandardError = $true
                return [System.Diagnostics.Process]::Start($start)
            }
            $output = @(& dotnet @arguments 2>&1 | ForEach-Object { "$_" })
            $code = $LASTEXITCODE
        } finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $result = try { $output[-1] | ConvertFrom-Json } catch { [pscustomobject]@{} }
        $result | Add-Member ExitCode $code -PassThru -Force | Add-Member Output ($output -join "`n") -PassThru -Force
    }

    # Which processors a native library is built for, from its first bytes: ELF, PE or Mach-O (thin or universal).
    function Get-NativeArchitecture([byte[]] $Head) {
        $be32 = { param($at) ([uint32]$Head[$at] -shl 24) -bor ([uint32]$Head[$at + 1] -shl 16) -bor ([uint32]$Head[$at + 2] -shl 8) -bor $Head[$at + 3] }
        $cpu = @{ [uint32]0x01000007 = 'x64'; [uint32]0x0100000C = 'arm64' }
        if ($Head[0] -eq 0x7F -and $Head[1] -eq 0x45) { return @{ 0x3E = 'x64'; 0xB7 = 'arm64' }[[int][BitConverter]::ToUInt16($Head, 0x12)] }
        if ($Head[0] -eq 0x4D -and $Head[1] -eq 0x5A) {
            $pe = [BitConverter]::ToInt32($Head, 0x3C)
            return @{ 0x8664 = 'x64'; 0xAA64 = 'arm64'; 0x14C = 'x86' }[[int][BitConverter]::ToUInt16($Head, $pe + 4)]
        }
        if ((& $be32 0) -eq 0xCAFEBABEu) { return @(0..((& $be32 4) - 1) | ForEach-Object { $cpu[(& $be32 (8 + 20 * $_))] }) }
        if ([BitConverter]::ToUInt32($Head, 0) -eq 0xFEEDFACFu) { return $cpu[[BitConverter]::ToUInt32($Head, 4)] }
        'unknown'
    }

    function Read-EntryHead([System.IO.Compression.ZipArchiveEntry] $Entry) {
        $stream = $Entry.Open()
        try {
            $buffer = [byte[]]::new(4096)
            $read = 0
            while ($read -lt $buffer.Length -and ($n = $stream.Read($buffer, $read, $buffer.Length - $read)) -gt 0) { $read += $n }
            $buffer
        } finally { $stream.Dispose() }
    }
}

AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}

Describe 'The module package' {
    BeforeAll {
        $script:packages = New-Item -ItemType Directory (Join-Path $work 'packages')
        Compress-PSResource -Path $moduleFolder -DestinationPath $packages.FullName -ErrorAction Stop
        $script:modulePackage = Get-ChildItem $packages -Filter 'Mnist.*.nupkg' | Select-Object -First 1
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $script:zip = [System.IO.Compression.ZipFile]::OpenRead($modulePackage.FullName)
        $script:entries = @($zip.Entries | ForEach-Object FullName)
    }
    AfterAll { $zip.Dispose() }

    It 'is one .nupkg of at most 60 MB named after the manifest version' {
        $version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
        $modulePackage.Name | Should -Be "Mnist.$version.nupkg"
        $modulePackage.Length | Should -BeLessOrEqual 60MB
    }

    It 'holds no libtorch and no TorchSharp natives, but the licence and the changelog' {
        $entries | Where-Object { $_ -match '(?i)torch_cpu|libtorch|LibTorchSharp\.(dll|so|dylib)' } | Should -BeNullOrEmpty
        $entries | Should -Contain 'LICENSE'
        $entries | Should -Contain 'CHANGELOG.md'
        $entries | Should -Contain 'deps/TorchSharp.dll'
    }

    It 'holds SkiaSharp and HarfBuzzSharp natives for <Platform>, built for <Expected>' -TestCases @(
        @{ Platform = 'linux-x64'; Extension = 'so'; Expected = 'x64' }
        @{ Platform = 'win-x64'; Extension = 'dll'; Expected = 'x64' }
        @{ Platform = 'osx'; Extension = 'dylib'; Expected = 'arm64' }
    ) {
        foreach ($library in 'libSkiaSharp', 'libHarfBuzzSharp') {
            $entry = $zip.GetEntry("deps/runtimes/$Platform/native/$library.$Extension")
            $entry | Should -Not -BeNullOrEmpty -Because "$library for $Platform must ship"
            Get-NativeArchitecture (Read-EntryHead $entry) | Should -Contain $Expected
        }
    }

    It 'pins runtime packages whose <Platform> natives are built for <Expected>' -TestCases @(
        @{ Platform = 'win-x64'; Expected = 'x64' }
        @{ Platform = 'osx-arm64'; Expected = 'arm64' }
        @{ Platform = 'linux-x64'; Expected = 'x64' }
    ) {
        foreach ($package in [Mnist.Core.Runtime.RuntimePins]::Current.PackagesFor($Platform)) {
            $path = Join-Path $nugetCache "$($package.Id)/$($package.Version)/$($package.FileName)"
            $archive = [System.IO.Compression.ZipFile]::OpenRead($path)
            try {
                $natives = @($archive.Entries | Where-Object { $_.FullName -like "runtimes/$Platform/native/*" -and $_.Name -match '(?i)(LibTorchSharp|torch_cpu)\.' })
                $natives.Count | Should -BeGreaterThan 0
                foreach ($native in $natives) { Get-NativeArchitecture (Read-EntryHead $native) | Should -Be $Expected -Because $native.FullName }
            } finally { $archive.Dispose() }
        }
    }
}

Describe 'Installing as a user does, into an empty HOME' {
    BeforeAll {
        $script:repository = New-Item -ItemType Directory (Join-Path $work 'repository')
        $script:userHome = New-Item -ItemType Directory (Join-Path $work 'home')
        $script:fresh = @{
            HOME = $userHome.FullName; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null
            PSModulePath = $null; MNIST_RUNTIME_HOME = $null; MNIST_TEST_MODULE = $null
            MNIST_DATA_DIR = [Mnist.Core.Data.MnistFiles]::DefaultCacheFolder   # the data is not what this spec is about
        }
        $script:installed = Invoke-Child -Environment $fresh -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalFolder -Uri '$repository' -Trusted
Publish-PSResource -Path '$moduleFolder' -Repository LocalFolder
Install-PSResource -Name Mnist -Repository LocalFolder -Scope CurrentUser -TrustRepository
Import-Module Mnist
@{ ModuleBase = (Get-Module Mnist).ModuleBase; Published = @(Get-ChildItem '$repository' -Filter *.nupkg).Name } | ConvertTo-Json -Compress
"@
    }

    It 'publishes to a folder repository and installs by name into the user''s module folder' {
        $installed.ExitCode | Should -Be 0 -Because $installed.Output
        $installed.Published | Should -Match '^Mnist\.\d+\.\d+\.\d+\.nupkg$'
        $installed.ModuleBase | Should -BeLike "$($userHome.FullName)*Mnist*"
    }

    It 'imports, loads data, shows samples, helps and completes without the runtime; training stops with RuntimeNotInstalled' {
        $result = Invoke-Child -Environment $fresh -Script @'
Import-Module Mnist
$data = Import-MnistData -TrainCount 200 -TestCount 50
$picture = $data | Get-MnistSample -Index 0 | Show-MnistImage -Ascii
$help = (Get-Help Invoke-MnistTraining).Synopsis
$completion = (TabExpansion2 -inputScript 'Import-MnistData -Name ' -cursorColumn 23).CompletionMatches.CompletionText
$id = $message = ''
try { $data | Invoke-MnistTraining -Epochs 1 -Quiet } catch { $id = $_.FullyQualifiedErrorId; $message = $_.Exception.Message }
@{ Count = $data.Train.Count; Lines = @($picture).Count; Help = $help; Completion = $completion; Id = $id; Message = $message } | ConvertTo-Json -Compress
'@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Count | Should -Be 200
        $result.Lines | Should -BeGreaterThan 10
        $result.Help | Should -Not -BeNullOrEmpty
        $result.Completion | Should -Contain 'fashion-mnist'
        $result.Id | Should -BeLike 'RuntimeNotInstalled,*'
        $result.Message | Should -Match 'Install-MnistRuntime'
    }

    It 'installs the runtime from a folder made from the NuGet cache, then trains one epoch with it' {
        $result = Invoke-Child -Environment $fresh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module Mnist
`$runtime = Install-MnistRuntime -Source '$feed' -Confirm:`$false
`$data = Import-MnistData -TrainCount 3000 -TestCount 500
`$model = `$data | Invoke-MnistTraining -Epochs 1 -Quiet
`$evaluation = `$model | Test-MnistModel
`$natives = Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libtorch_cpu|LibTorchSharp' } | ForEach-Object { (`$_ -split '\s+')[-1] } | Sort-Object -Unique
@{ Path = `$runtime.Path; Source = `$runtime.Source; Accuracy = `$evaluation.Accuracy; Natives = @(`$natives)
   Loads = (Get-MnistEnvironment).LibTorchLoads; CpuFolder = Test-Path (Join-Path (Get-Module Mnist).ModuleBase 'deps/cpu') -PathType Container } | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Path | Should -BeLike "$($userHome.FullName)*linux-x64"
        $result.Source | Should -Be $feed.FullName
        $result.Accuracy | Should -BeGreaterThan 0.7 -Because 'one epoch on 3,000 images learns most digits (chance is 0.1)'
        $result.Natives.Count | Should -Be 2
        $result.Natives | ForEach-Object { $_ | Should -BeLike "$($result.Path)*" }
        $result.Loads | Should -BeTrue
        $result.CpuFolder | Should -BeFalse -Because "TorchSharp's copy-into-cpu/ fallback must never run"
    }
}

Describe 'Install-MnistRuntime when things go wrong' {
    BeforeAll {
        function Get-RuntimeParent([string] $HomeFolder) { Join-Path $HomeFolder ([Mnist.Core.Runtime.RuntimePins]::Current.Label) }
        $script:installScript = "Import-Module '$ModuleManifest'; Install-MnistRuntime -Source '$feed' -Confirm:`$false -ErrorAction Stop | Select-Object Path, WasPresent, IsInstalled | ConvertTo-Json -Compress"
    }

    It 'refuses a tampered package, naming it, and installs nothing' {
        $tamperedFeed = New-Item -ItemType Directory (Join-Path $work 'tampered')
        foreach ($package in $pinned) { Copy-Item (Join-Path $feed $package.FileName) $tamperedFeed -ErrorAction Stop }
        $glue = Join-Path $tamperedFeed $pinned[0].FileName
        $bytes = [IO.File]::ReadAllBytes($glue)
        $bytes[$bytes.Length - 100] = $bytes[$bytes.Length - 100] -bxor 0xFF
        [IO.File]::WriteAllBytes($glue, $bytes)
        $runtimeHome = Join-Path $work 'rt-tampered'

        $result = Invoke-Child -Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } -Script @"
Import-Module '$ModuleManifest'
try { Install-MnistRuntime -Source '$tamperedFeed' -Confirm:`$false; @{ Id = '' } | ConvertTo-Json -Compress }
catch { @{ Id = `$_.FullyQualifiedErrorId; Message = `$_.Exception.Message } | ConvertTo-Json -Compress }
"@
        $result.Id | Should -BeLike 'RuntimePackageHashMismatch,*'
        $result.Message | Should -Match ([regex]::Escape($pinned[0].FileName))
        Get-ChildItem $runtimeHome -Force -Recurse -ErrorAction Ignore | Should -BeNullOrEmpty -Because 'a failed install leaves no staging folder, no lock and no empty versioned folder'
    }

    It 'finishes an install that was killed halfway when it is run again' {
        $runtimeHome = Join-Path $work 'rt-killed'
        $parent = Get-RuntimeParent $runtimeHome
        $process = Invoke-Child -NoWait -Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } -Script $installScript
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        $caught = $false
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $partial = Get-ChildItem $parent -Filter 'libtorch_cpu.so' -Recurse -Force -ErrorAction Ignore | Where-Object Length -GT 0
            if ($partial) { $process.Kill(); $caught = $true; break }
            Start-Sleep -Milliseconds 20
        }
        $process.WaitForExit()
        $caught | Should -BeTrue -Because 'the install must be caught while it extracts libtorch'
        Test-Path (Join-Path $parent "$rid/mnist-runtime.json") | Should -BeFalse -Because 'a killed install leaves no runtime'

        $again = Invoke-Child -Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } -Script $installScript
        $again.ExitCode | Should -Be 0 -Because $again.Output
        $again.IsInstalled | Should -BeTrue
        $again.WasPresent | Should -BeFalse
        (Get-ChildItem $parent -Directory -Force).Name | Should -Be $rid -Because 'the staging folder of the killed install is gone'
        (Get-Item (Join-Path $parent "$rid/libtorch_cpu.so")).Length | Should -Be ((Get-Item (Join-Path $nugetCache "libtorch-cpu-$rid/$($pinned[1].Version)/runtimes/$rid/native/libtorch_cpu.so")).Length)
    }

    It 'ends with one good runtime when two sessions install at the same time' {
        $runtimeHome = Join-Path $work 'rt-twice'
        $processes = 1..2 | ForEach-Object { Invoke-Child -NoWait -Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } -Script $installScript }
        $outputs = foreach ($process in $processes) {
            $text = $process.StandardOutput.ReadToEnd()
            $process.WaitForExit()
            $process.ExitCode | Should -Be 0 -Because ($text + $process.StandardError.ReadToEnd())
            ($text.Trim() -split "`n")[-1] | ConvertFrom-Json
        }
        $outputs.Path | Select-Object -Unique | Should -HaveCount 1
        @($outputs | Where-Object WasPresent).Count | Should -Be 1 -Because 'one installed it while the other waited, then found it'
        $parent = Get-RuntimeParent $runtimeHome
        (Get-ChildItem $parent -Directory -Force).Name | Should -Be $rid
        $check = Invoke-Child -Environment @{ MNIST_RUNTIME_HOME = $runtimeHome } -Script "Import-Module '$ModuleManifest'; Get-MnistEnvironment | Select-Object LibTorchLoads, RuntimePath | ConvertTo-Json -Compress"
        $check.LibTorchLoads | Should -BeTrue
        $check.RuntimePath | Should -BeLike "$runtimeHome*"
    }
}

Describe 'The module''s own load context' {
    It 'trains in a session where a different Google.Protobuf was loaded first' {
        $mine = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $moduleFolder 'deps/Google.Protobuf.dll')).Version
        $other = Get-ChildItem (Join-Path $nugetCache 'google.protobuf') -Directory |
            Where-Object { [version]$_.Name -ne [version]::new($mine.Major, $mine.Minor, $mine.Build) } |
            ForEach-Object { Get-ChildItem $_.FullName -Recurse -Filter Google.Protobuf.dll | Where-Object FullName -Match 'netstandard2\.0|net5\.0' } |
            Select-Object -First 1
        if (-not $other) {
            # No other release in the NuGet cache: an assembly of that name and another version conflicts just the same.
            $other = Join-Path $work 'Google.Protobuf.dll'
            Add-Type -TypeDefinition '[assembly: System.Reflection.AssemblyVersion("9.9.9.0")] namespace Google.Protobuf { public sealed class ByteString { } }' -OutputAssembly $other
        }
        $result = Invoke-Child -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$($other.FullName ?? $other)'
`$first = [Google.Protobuf.ByteString].Assembly.GetName().Version.ToString()
Import-Module '$ModuleManifest'
`$model = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Epochs 1 -Quiet
`$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Mnist.Core.Modeling.MnistModel].Assembly)
`$torchSharp = `$context.LoadFromAssemblyName([Reflection.AssemblyName]'TorchSharp')
`$theirs = `$context.LoadFromAssemblyName([Reflection.AssemblyName]'Google.Protobuf')
@{ First = `$first; Module = `$theirs.GetName().Version.ToString(); Context = `$context.Name
   TorchSharpContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$torchSharp).Name
   Accuracy = (`$model | Test-MnistModel).Accuracy } | ConvertTo-Json -Compress
"@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.First | Should -Not -Be $mine.ToString()
        $result.Module | Should -Be $mine.ToString()
        $result.Context | Should -Be 'Mnist'
        $result.TorchSharpContext | Should -Be 'Mnist'
        $result.Accuracy | Should -BeGreaterThan 0.7
    }
}

Describe 'Install-MnistRuntime with bad input' {
    BeforeAll {
        $script:savedHome = $env:MNIST_RUNTIME_HOME
        $env:MNIST_RUNTIME_HOME = Join-Path $work 'rt-bad-input'
    }
    AfterAll { $env:MNIST_RUNTIME_HOME = $savedHome }

    It 'names a source that is neither a feed URL nor a folder' {
        $missing = Join-Path $work 'no-such-feed'
        { Install-MnistRuntime -Source $missing -Confirm:$false } | Should -Throw -ErrorId 'RuntimeSourceNotFound,*' -ExpectedMessage "*$missing*"
    }

    It 'refuses a platform libtorch has no package for' {
        { Install-MnistRuntime -Platform linux-arm64 -Source $feed } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'installs nothing with -WhatIf' {
        Install-MnistRuntime -Source $feed -WhatIf | Should -BeNullOrEmpty
        Join-Path $env:MNIST_RUNTIME_HOME ([Mnist.Core.Runtime.RuntimePins]::Current.Label) | Should -Not -Exist
    }
}
