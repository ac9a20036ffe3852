@{
    RootModule           = 'MnistCmdlets.dll'
    # Loaded first: it gives the module its own load context for deps/ before PowerShell reflects over the cmdlets.
    NestedModules        = @('MnistLoader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f8a3e-3c55-4e0e-9a55-6d2f3f1f7a11'
    Author               = 'The Mnist team'
    CompanyName          = 'Mnist'
    Copyright            = '(c) 2026 The Mnist team. MIT License.'
    Description          = 'Train, evaluate and serve MNIST digit classifiers from PowerShell: the Keras MNIST notebook as pipeline cmdlets over TorchSharp (libtorch).'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Mnist.format.ps1xml')
    TypesToProcess       = @('Mnist.types.ps1xml')
    CmdletsToExport      = @(
        'Import-MnistData'
        'ConvertTo-OneHot'
        'New-MnistModel'
        'Invoke-MnistTraining'
        'Test-MnistModel'
        'Get-MnistPrediction'
        'Export-MnistModel'
        'Import-MnistModel'
        'Get-MnistSample'
        'Show-MnistImage'
        'Export-MnistChart'
        'Install-MnistRuntime'
        'Get-MnistEnvironment'
        'Join-MnistData'
        'Export-MnistData'
        'Get-MnistStoppedModel'
        'Invoke-MnistSweep'
        'Get-MnistSweep'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MNIST', 'MachineLearning', 'NeuralNetwork', 'TorchSharp', 'Keras', 'DeepLearning', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: the Keras MNIST notebook as pipeline cmdlets, for linux-x64, win-x64 and osx-arm64. Run Install-MnistRuntime once after installing (libtorch is not in the package). See CHANGELOG.md.'
        }
    }
}
