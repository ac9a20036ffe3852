# New-MnistModel -Layers: a network written layer by layer, in Keras' own words.
BeforeAll {
    . "$PSScriptRoot/Common.ps1"
    Import-Module $ModuleManifest
    $script:convnet = 'Conv2D(32, 3, activation=relu)', 'MaxPooling2D(2)', 'Conv2D(64, 3, activation=relu)', 'MaxPooling2D(2)',
        'Flatten', 'Dropout(0.5)', 'Dense(10, activation=softmax)'
}

Describe 'New-MnistModel -Layers' {
    It 'builds Keras''s "Simple MNIST convnet" from its layers, with the 34,826 parameters Keras''s summary shows' {
        $model = New-MnistModel -Layers $convnet -Seed 1
        $model.Architecture | Should -Be 'Custom'
        $model.ParameterCount | Should -Be 34826
        $model.Layers.Name | Should -Be 'conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dropout', 'dense'
        $model.Layers.OutputShape | Should -Be '(None, 26, 26, 32)', '(None, 13, 13, 32)', '(None, 11, 11, 64)', '(None, 5, 5, 64)',
            '(None, 1600)', '(None, 1600)', '(None, 10)'
        $summary = $model | Out-String
        $summary | Should -BeLike '*Total params: 34,826*'
        $summary | Should -BeLike '*Shapes: channels-last*'
    }

    It 'builds the notebook''s network from its layers: 407,050 parameters, and it learns' {
        $model = New-MnistModel -Layers 'Dense(512, activation=relu)', 'Dropout(0.2)', 'Dense(10, activation=softmax)' -Seed 2
        $model.ParameterCount | Should -Be 407050
        $trained = Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Model $model -Epochs 2 -Quiet
        $trained.History[-1].Loss | Should -BeLessThan $trained.History[0].Loss
        ($trained | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.85
    }

    It 'takes hashtables with the same names' {
        $model = New-MnistModel -Layers @{ Type = 'Dense'; Units = 128; Activation = 'relu' }, @{ Type = 'Dropout'; Rate = 0.25 },
            @{ Type = 'Dense'; Units = 10; Activation = 'softmax' }
        $model.LayerDefinitions | Should -Be 'Dense(128, activation=relu)', 'Dropout(0.25)', 'Dense(10, activation=softmax)'
    }

    It 'builds the same network again from a model''s Layers' {
        $model = New-MnistModel -Layers $convnet -Seed 5
        $again = New-MnistModel -Layers $model.Layers -Seed 5
        $again.LayerDefinitions | Should -Be $model.LayerDefinitions
        $data = Import-MnistData -TrainCount 10 -TestCount 20
        ($again | Get-MnistPrediction -Data $data -Index 0..19).Probabilities | Should -Be ($model | Get-MnistPrediction -Data $data -Index 0..19).Probabilities
        (New-MnistModel -Layers (New-MnistModel -Architecture Cnn).LayerDefinitions).ParameterCount | Should -Be 1199882
    }

    It 'trains, evaluates, predicts, saves and loads a convolutional model' {
        $model = New-MnistModel -Seed 3 -LearningRate 0.005 -Layers 'Conv2D(8, 3, padding=same, activation=relu)', 'BatchNormalization(momentum=0.9)', 'MaxPooling2D(2)',
            'Conv2D(16, 3, strides=2, activation=relu)', 'AveragePooling2D(2)', 'Flatten', 'Dropout(0.3)', 'Dense(10)'
        $data = Import-MnistData -TrainCount 2000 -TestCount 200
        $trained = $data | Invoke-MnistTraining -Model $model -Epochs 2 -ValidationSplit 0 -Quiet
        ($trained | Test-MnistModel).Accuracy | Should -BeGreaterThan 0.7
        $path = Join-Path (New-TestFolder) 'custom.model'
        $trained | Export-MnistModel -Path $path | Out-Null
        $loaded = Import-MnistModel -Path $path
        $loaded.LayerDefinitions | Should -Be $trained.LayerDefinitions
        $loaded.EpochsTrained | Should -Be 2
        ($loaded | Get-MnistPrediction -Index 0..9).Probabilities | Should -Be ($trained | Get-MnistPrediction -Data $data -Index 0..9).Probabilities
    }

    It 'completes the layer names' {
        $line = 'New-MnistModel -Layers Co'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain "'Conv2D(32, 3, activation=relu)'"
        $line = "New-MnistModel -Layers 'Dense(10, activation=so"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'Dense(10, activation=softmax'"
    }

    It 'is not mixed with the presets'' settings' {
        { New-MnistModel -Layers 'Dense(10)' -HiddenUnits 64 } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { New-MnistModel -Architecture Custom } | Should -Throw -ErrorId 'InvalidModelSpec,*'
    }

    It 'refuses <Case> before building anything, naming the layer and its position' -TestCases @(
        @{ Case = 'an unknown layer'; Layers = 'Dense(64)', 'Conv3D(8, 3)', 'Dense(10)'; Id = 'InvalidLayer'; Message = "Layer 2 'Conv3D(8, 3)': 'Conv3D' is not a layer*" }
        @{ Case = 'an unknown argument'; Layers = 'Dense(64, unit=3)', 'Dense(10)'; Id = 'InvalidLayer'; Message = "Layer 1 *: Dense has no argument 'unit'*" }
        @{ Case = 'a value out of range'; Layers = 'Flatten', 'Dropout(1.2)', 'Dense(10)'; Id = 'InvalidLayer'; Message = "Layer 2 *rate must be at least 0 and below 1, not 1.2*" }
        @{ Case = 'a Conv2D after Flatten'; Layers = 'Flatten', 'Conv2D(8, 3)', 'Flatten', 'Dense(10)'; Id = 'LayerShapeMismatch'; Message = "Layer 2 'Conv2D(8, 3)': Conv2D takes an image*" }
        @{ Case = 'a pooling larger than its input'; Layers = 'MaxPooling2D(4)', 'MaxPooling2D(4)', 'MaxPooling2D(4)', 'Flatten', 'Dense(10)'; Id = 'LayerShapeMismatch'; Message = "Layer 3 'MaxPooling2D(4)': a 4x4 pool is larger than its input (None, 1, 1, 1)*" }
        @{ Case = 'a last layer of the wrong width'; Layers = 'Dense(64)', 'Dense(5)'; Id = 'LayerShapeMismatch'; Message = "Layer 2 'Dense(5)' gives (None, 5); the last layer must give one output per class, (None, 10)*" }
        @{ Case = 'a network too large'; Layers = 'Dense(65536)', 'Dense(65536)', 'Dense(10)'; Id = 'NetworkTooLarge'; Message = "Layer 1 'Dense(65536)' takes the network to 51,445,760 parameters*" }
        @{ Case = 'something that is not a layer'; Layers = @(42); Id = 'InvalidLayer'; Message = "*not a layer*" }
    ) {
        $err = { New-MnistModel -Layers $Layers } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.Exception.Message | Should -BeLike $Message
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-Layers*'
    }
}
