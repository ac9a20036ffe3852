@{
    Synopsis    = 'Says what a support request needs: versions, platform, runtime, CPU features, data cache and fonts, with a fix for each problem.'
    Description = 'Get-MnistEnvironment returns one object: the module, PowerShell and .NET versions, the platform, the runtime folder and its version, whether libtorch loads (it is loaded to find out), libtorch''s thread count, the processor count and CPU features (AVX2, AVX-512, AVX512-BF16), the data cache folder and the datasets it holds completely, and whether charts will have fonts. Problems lists each thing that is wrong together with the command that fixes it, for example Install-MnistRuntime when the runtime is missing. It works without the runtime.'
    Parameters  = @{}
    Inputs      = @('None.')
    Outputs     = @('Mnist.Core.Runtime.MnistEnvironment: the facts above, one property each.')
    Examples    = @(
        @{ Code = 'Get-MnistEnvironment'; Remarks = 'Shows the facts as a list.' }
        @{ Code = 'Get-MnistEnvironment | Select-Object RuntimeInstalled, LibTorchLoads, Problems'; Remarks = 'Whether training can run here, and what is wrong, each problem with the command that fixes it (empty when all is well).' }
        @{ Code = 'Get-MnistEnvironment | ConvertTo-Json | Set-Content ./mnist-environment.json'; Remarks = 'Saves the facts for a bug report.' }
    )
}
