# What a user gets wrong, and the error id a script can match for each. Pipeline.Tests.ps1 covers the IDX format
# errors, a missing folder, epochs, batch size, the usual validation splits, NaN and negative learning rates.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:small = Import-MnistData -TrainCount 300 -TestCount 50
}

Describe 'Parameters out of range are rejected before anything runs' {
    It 'Invoke-MnistTraining rejects -<Name> <Value>' -TestCases @(
        @{ Name = 'ValidationSplit'; Value = 1.5 }
        @{ Name = 'ValidationSplit'; Value = [double]::NaN }
        @{ Name = 'Epochs'; Value = 100001 }
        @{ Name = 'BatchSize'; Value = -1 }
        @{ Name = 'ThreadCount'; Value = -2 }
        @{ Name = 'Patience'; Value = 0 }
        @{ Name = 'Seed'; Value = -1 }
        @{ Name = 'AugmentRotation'; Value = -5 }
        @{ Name = 'AugmentRotation'; Value = 181 }
        @{ Name = 'AugmentShift'; Value = 15 }
        @{ Name = 'AugmentShift'; Value = [double]::NaN }
        @{ Name = 'AugmentScale'; Value = 0.6 }
        @{ Name = 'AugmentShear'; Value = 46 }
    ) {
        $parameters = @{ $Name = $Value }
        if ($Name -like 'Augment*') { $parameters.Augment = $true }
        { $small | Invoke-MnistTraining @parameters -Quiet } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'New-MnistModel rejects -<Name> <Value>' -TestCases @(
        @{ Name = 'LearningRate'; Value = 0 }
        @{ Name = 'LearningRate'; Value = [double]::PositiveInfinity }
        @{ Name = 'Dropout'; Value = 0.96 }
        @{ Name = 'Dropout'; Value = -0.1 }
        @{ Name = 'HiddenUnits'; Value = 0 }
        @{ Name = 'Classes'; Value = 1 }
        @{ Name = 'Momentum'; Value = 1 }
        @{ Name = 'StepSize'; Value = 0 }
    ) {
        $parameters = @{ $Name = $Value }
        { New-MnistModel @parameters } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Import-MnistData rejects -<Name> <Value>' -TestCases @(
        @{ Name = 'TrainCount'; Value = 0 }
        @{ Name = 'TestCount'; Value = -5 }
        @{ Name = 'Split'; Value = 'Validation' }
        @{ Name = 'ClassNames'; Value = @() }
    ) {
        $parameters = @{ $Name = $Value }
        { Import-MnistData @parameters } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Import-MnistData rejects -ClassNames with one name that is not a known dataset' {
        { Import-MnistData -TestCount 10 -ClassNames 'only-one' } | Should -Throw -ErrorId 'InvalidClassNames,*'
    }

    It 'Test-MnistModel rejects a -MinimumAccuracy above 1' {
        { New-MnistModel | Test-MnistModel -Data $small -MinimumAccuracy 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'ConvertTo-OneHot rejects -Classes 1' {
        { 0 | ConvertTo-OneHot -Classes 1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Values that only the module can judge' {
    It 'names a missing .npz file' {
        $err = { Import-MnistData -Path '/no/such/mnist.npz' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'DataPathNotFound,Mnist.Cmdlets.Commands.ImportMnistDataCommand'
        $err.Exception.Message | Should -BeLike '*/no/such/mnist.npz*'
    }

    It 'refuses a file that is neither a folder of IDX files nor an .npz' {
        $file = Join-Path (New-TestFolder) 'notes.txt'
        Set-Content $file 'not data'
        $err = { Import-MnistData -Path $file } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DataPathUnsupported,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'names the missing file in an incomplete IDX folder' {
        $folder = New-IdxFolder
        Remove-Item "$folder/t10k-labels-idx1-ubyte"
        $err = { Import-MnistData -Path $folder } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DataFileNotFound,*'
        $err.Exception.Message | Should -BeLike '*t10k-labels*'
    }

    It 'refuses a validation split that leaves no training images' {
        $tiny = Import-MnistData -Path (New-IdxFolder -Train 1 -Test 1)
        $err = { $tiny | Invoke-MnistTraining -Epochs 1 -ValidationSplit 0.5 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTrainingOption,*'
        $err.TargetObject | Should -Be 'ValidationSplit'
    }

    It 'refuses an augmentation range without -Augment, naming it' {
        $err = { $small | Invoke-MnistTraining -Epochs 1 -AugmentShift 3 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTrainingOption,*'
        $err.TargetObject | Should -Be 'AugmentShift'
        $err.Exception.Message | Should -BeLike '*-Augment*'
    }

    It 'refuses early stopping without a validation split' {
        $err = { $small | Invoke-MnistTraining -Epochs 1 -ValidationSplit 0 -Patience 2 -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTrainingOption,*'
        $err.Exception.Message | Should -BeLike '*Patience*validation*'
    }

    It 'accepts -ValidationSplit 0 as Keras does: no validation' {
        $model = $small | Invoke-MnistTraining -Epochs 1 -ValidationSplit 0 -Seed 1 -ThreadCount 1 -Quiet
        $model.History[0].ValAccuracy | Should -BeNullOrEmpty
    }

    It 'refuses one dropout rate too many' {
        $err = { New-MnistModel -HiddenUnits 256, 128 -Dropout 0.1, 0.2, 0.3 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidModelSpec,*'
    }

    It 'refuses to evaluate a model on data of other classes' {
        $err = { New-MnistModel -Classes 5 | Test-MnistModel -Data $small } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelClassesMismatch,*'
        $err.Exception.Message | Should -BeLike '*`[0, 1, 2, 3, 4`]*`[0, 1, 2, 3, 4, 5, 6, 7, 8, 9`]*'
    }

    It 'predicts data of other classes on its pixels, without a Label to compare' {
        $prediction = New-MnistModel -Classes 3 | Get-MnistPrediction -Data $small -Index 0
        $prediction.Predicted | Should -BeIn 0, 1, 2
        $prediction.Label | Should -BeNullOrEmpty
        $prediction.IsCorrect | Should -BeNullOrEmpty
    }

    It 'asks for -Data when an untrained model has nothing to be tested on' {
        $err = { New-MnistModel | Test-MnistModel } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NoDataForModel,*'
    }

    It 'says what -Data takes when given something else' {
        $err = { New-MnistModel | Test-MnistModel -Data 'mnist' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidDataArgument,*'
        $err.Exception.Message | Should -BeLike '*String*'
    }

    It 'says to pipe a model, and how, when a dataset is piped to <Command>' -TestCases @(
        @{ Command = 'Test-MnistModel'; Line = '$small | Test-MnistModel'; Shows = '$model | Test-MnistModel -Data $data' }
        @{ Command = 'Export-MnistModel'; Line = '$small | Export-MnistModel (Join-Path (New-TestFolder) d.model)'; Shows = '$model | Export-MnistModel ./mnist.model' }
    ) {
        $err = { Invoke-Expression $Line -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "ParameterArgumentTransformationError,*"
        $err.Exception.Message | Should -Not -Match 'cannot be bound'
        $err.Exception.Message | Should -Match "given the dataset 'mnist'. Pipe a model"
        $err.Exception.Message | Should -Match ([regex]::Escape($Shows))
    }

    It 'says to pipe a model when a split is piped to Test-MnistModel' {
        $err = { $small.Test | Test-MnistModel -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match "given the Test split of 'mnist'. Pipe a model"
    }

    It 'rejects an index one past the end of the training split' {
        $err = { New-MnistModel | Get-MnistPrediction -Data $small -Split Train -Index 300 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IndexOutOfRange,*'
        $err.Exception.Message | Should -BeLike '*0-299*'
    }

    It 'rejects an image that is not 784 pixels' {
        $err = { New-MnistModel | Get-MnistPrediction -Pixels (, [byte[]]::new(100)) -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PixelCountMismatch,*'
        $err.Exception.Message | Should -BeLike '*784*100*'
    }

    It 'reports a wrongly sized image and goes on with the next' {
        $predictions = New-MnistModel | Get-MnistPrediction -Pixels ([byte[]]::new(100)), ([byte[]]::new(784)) -ErrorVariable problems -ErrorAction SilentlyContinue
        @($predictions).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'PixelCountMismatch,*'
    }

    It 'refuses a checkpoint in a folder that does not exist, leaving nothing behind' {
        $err = { $small | Invoke-MnistTraining -Epochs 1 -CheckpointPath '/no/such/folder/model.mnist' -Quiet } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FolderNotFound,*'
        '/no/such/folder' | Should -Not -Exist
    }
}
