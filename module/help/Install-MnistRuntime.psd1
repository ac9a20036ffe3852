@{
    Synopsis    = 'Installs the native runtime the module trains with: TorchSharp''s glue library and libtorch for this platform.'
    Description = 'The Mnist package holds no libtorch (it is 0.3-0.5 GB per platform). Install-MnistRuntime downloads the two packages this platform needs, torchsharp (TorchSharp''s native glue) and libtorch-cpu-<platform>, from a NuGet v3 feed (the public NuGet feed by default) or takes them from a folder of .nupkg files for offline and air-gapped machines. Each package must match the SHA-512 the module pinned when it was built: on a mismatch nothing is installed (RuntimePackageHashMismatch). Only that platform''s native files are extracted, into a per-user, versioned folder (on Linux ~/.local/share/Mnist/runtime, on Windows %LOCALAPPDATA%\Mnist\runtime, on macOS ~/Library/Application Support/Mnist/runtime; $env:MNIST_RUNTIME_HOME overrides), never into the module folder. On Linux the copy of libLibTorchSharp.so is patched so that Debian 12''s older libstdc++ accepts it. The install is atomic: files are written to a staging folder that becomes the runtime by one rename, so an install that is killed leaves no half runtime and running it again finishes the job; two sessions installing at once both end with the same complete runtime (the second waits for the first). When the runtime is already there, nothing is downloaded unless -Force is given. Progress is shown while packages are copied and extracted.'
    Parameters  = @{
        Source   = 'Where the packages come from: the URL of a NuGet v3 service index (http or https), or a folder holding torchsharp.<version>.nupkg and libtorch-cpu-<platform>.<version>.nupkg, either side by side or in <id>/<version>/ subfolders like the NuGet cache. Default: the public NuGet feed.'
        Platform = 'Installs the runtime of another platform (linux-x64, win-x64 or osx-arm64) into the runtime home, for example to prepare a shared folder. Default: the platform this session runs on.'
        Force    = 'Installs again even when the runtime is already there, replacing it in one step.'
    }
    Inputs      = @('None.')
    Outputs     = @('Mnist.Core.Runtime.RuntimeInfo: the runtime folder, its platform and versions, where it came from, its size and whether it was already present.')
    Examples    = @(
        @{ Code = 'Install-MnistRuntime -WhatIf'; Remarks = 'Says where the runtime would be installed and from where, without downloading anything.' }
        @{ NotRunByTests = $true; Code = '$env:MNIST_RUNTIME_HOME = Join-Path ([IO.Path]::GetTempPath()) ''mnist-runtime-example''; Install-MnistRuntime -Source (dotnet nuget locals global-packages --list).Split('' '', 2)[1] -Confirm:$false; Remove-Item Env:MNIST_RUNTIME_HOME'; Remarks = 'Installs offline from the NuGet cache of a machine that restored the packages before (any folder of .nupkg files works), into a folder of its own.' }
        @{ NotRunByTests = $true; Code = 'Install-MnistRuntime -Source https://my-feed.example/v3/index.json -Force'; Remarks = 'Installs again from another NuGet v3 feed; the packages must still match the pinned SHA-512.' }
    )
}
