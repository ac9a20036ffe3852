@{
    RootModule           = 'MnistCmdlets.dll'
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
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MNIST', 'MachineLearning', 'NeuralNetwork', 'TorchSharp', 'Keras', 'DeepLearning', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/mnist-powershell/Mnist'
            ReleaseNotes = 'First release: the Keras MNIST notebook as pipeline cmdlets.'
        }
    }
}
