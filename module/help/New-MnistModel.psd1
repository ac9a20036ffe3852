@{
    Synopsis    = 'Builds and compiles a classifier: by default the notebook''s Dense(512)-ReLU-Dropout(0.2)-Dense(10) with Adam.'
    Description = @'
New-MnistModel is the notebook's Sequential([...]) and compile(...) in one step. The default model has one hidden
Dense layer of 512 units with ReLU, Dropout(0.2), and a Dense output of 10 classes: 407,050 parameters, trained
with Adam (learning rate 0.001) on categorical cross-entropy. Its default view is the Keras summary table.

-Architecture Cnn builds the classic two-convolution network instead; -Architecture FastCnn a small convolutional
network made for speed (conv 24 5x5, max-pool, ReLU, conv 32 3x3, max-pool, ReLU, Dense 256, Dense 10, inputs
normalised with MNIST's mean 0.1307 and standard deviation 0.3081 inside the model) that reaches 99% test accuracy
in two epochs. Each architecture brings its own training defaults (optimizer, learning rate, betas, schedule,
batch size), used for whatever you do not give; the summary's last lines show them. Weights are initialised (Glorot uniform, as
Keras does) from the model's own random generator seeded by -Seed, so the same seed gives the same weights, and
two models trained at the same time do not disturb each other's randomness.

-Layers builds any network given layer by layer in Keras' own words: Dense, Conv2D, MaxPooling2D, AveragePooling2D,
Flatten, Dropout, BatchNormalization, Activation and Normalization, with Keras' positional arguments and name=value
for the rest ('Conv2D(32, 3, activation=relu)'), or hashtables with the same names. The input is the data's image;
the last layer must give one output per class (softmax is applied with the loss). The presets are layer lists too:
a model's Layers (or LayerDefinitions) given back to -Layers build the same network. See layers.md in the module
folder.
'@
    Parameters  = @{
        Architecture = 'Mlp (dense layers, the notebook''s model; Adam 0.001, batch 128), Cnn (two convolutions, max pooling, dropout 0.25 and 0.5, Dense 128; Adam 0.003, one-cycle schedule, batch 64, augmented batches) or FastCnn (conv 24 5x5 and conv 32 3x3 with max pooling, Dense 256, normalised inputs; Adam 0.01 with betas 0.7 and 0.9, one-cycle schedule, batch 256).'
        Layers       = 'The network layer by layer, in Keras'' words: strings (''Dense(128, activation=relu)'', ''Conv2D(32, 3, strides=2, padding=same)'', ''MaxPooling2D(2)'', ''Flatten'', ''Dropout(0.5)'', ''BatchNormalization'', ''Activation(gelu)''), hashtables (@{ Type = ''Dense''; Units = 10; Activation = ''softmax'' }) or a model''s Layers. Activations: relu, tanh, sigmoid, gelu, elu, leaky_relu, and softmax on the last layer. A list that does not fit is refused before anything is built, naming the layer and its position. Not with -Architecture, -HiddenUnits, -Dropout or -Activation; the training defaults are the MLP''s.'
        HiddenUnits  = 'Units of each hidden dense layer, 1 to 65536 each, up to 16 layers. Defaults to 512 (one layer) for Mlp, 128 for Cnn.'
        Dropout      = 'Dropout rate after each hidden layer, 0 to 0.95: one rate for all layers, or one per layer. Defaults to 0.2 for Mlp; 0.25 and 0.5 for Cnn.'
        Activation   = 'The hidden layers'' activation: Relu, Tanh, Sigmoid, Gelu, Elu or LeakyRelu.'
        Optimizer    = 'Adam, AdamW, Sgd or RmsProp. Defaults to the architecture''s own (Adam for all three).'
        Betas        = 'Adam''s and AdamW''s two decay rates (beta1, beta2), each 0 to 0.9999: -Betas 0.9, 0.999. Defaults to 0.9 and 0.999, or 0.7 and 0.9 for FastCnn.'
        BatchSize    = 'The batch size Invoke-MnistTraining uses for this model when it is not given -BatchSize, 1 to 65536. Defaults to 128 for an MLP, 64 for the CNN and 256 for FastCnn.'
        LearningRate = 'The optimizer''s learning rate, a positive number from 1e-8 to 10. Defaults to 0.001 (the notebook''s Adam) for an MLP, 0.003 for the CNN and 0.01 for FastCnn. NaN, zero and negative values are rejected.'
        Momentum     = 'Momentum for Sgd, 0 to 0.999. Ignored by the other optimizers.'
        WeightDecay  = 'L2 weight decay, 0 to 1. AdamW uses 0.01 when this is 0.'
        Schedule     = 'How the learning rate changes over the epochs: Constant, Step (multiplied by -StepGamma every -StepSize epochs) Cosine (cosine decay over the epochs of one training run) or OneCycle (per batch: up from a 25th of the rate to the rate over the first 30% of the training, then down to a 10,000th of where it began; PyTorch''s OneCycleLR without momentum cycling). Defaults to Constant for an MLP and OneCycle for the CNN and FastCnn.'
        StepSize     = 'For -Schedule Step: epochs between rate changes, 1 to 1000.'
        StepGamma    = 'For -Schedule Step: the factor applied to the rate, 0.0001 to 1.'
        Classes      = 'Number of output classes, 2 to 1000. It must match the data the model is trained on.'
        Seed         = 'Seed (0 or more) for weight initialisation, shuffling and dropout. Without it a random seed is chosen and recorded on the model.'
        ClassNames   = 'What the model''s outputs mean, in label order (-ClassNames ''cat'', ''dog''), or the name of a known dataset for its classes (-ClassNames fashion-mnist). Sets -Classes to their number unless it is given. Without it the model takes the class names of the data of its first training. Predictions are named from these.'
        Name         = 'A name for the model, shown in tables, evaluations and predictions and kept in its file. By default the architecture, hidden layers and seed (mlp-512#42).'
    }
    Defaults    = @{ Seed = 'A random seed, recorded on the model'; Betas = 'The architecture''s own (0.9, 0.999; 0.7, 0.9 for FastCnn)'; BatchSize = 'The architecture''s own (128; 64 for the CNN; 256 for FastCnn)'; Optimizer = 'The architecture''s own (Adam)'; LearningRate = 'The architecture''s own (0.001, 0.003, 0.01)'; Schedule = 'The architecture''s own (Constant, OneCycle, OneCycle)' }
    Inputs      = @('None: New-MnistModel takes no pipeline input.')
    Outputs     = @('Mnist.Core.Modeling.MnistModel: an untrained model, shown as the Keras summary table.')
    Examples    = @(
        @{ Code = "New-MnistModel -Seed 1 -Layers 'Conv2D(32, 3, activation=relu)', 'MaxPooling2D(2)', 'Conv2D(64, 3, activation=relu)', 'MaxPooling2D(2)', 'Flatten', 'Dropout(0.5)', 'Dense(10, activation=softmax)'"; Remarks = 'Builds Keras''s "Simple MNIST convnet" from its layers: 34,826 parameters, as Keras''s summary shows.' }
        @{ Code = 'New-MnistModel -Seed 42'; Remarks = 'Builds the notebook''s model and shows its summary: dense (None, 512) 401,920; dropout; dense_1 (None, 10) 5,130; total 407,050 parameters.' }
        @{ Code = 'New-MnistModel -HiddenUnits 256, 128 -Dropout 0.3 -Optimizer Sgd -LearningRate 0.01 -Momentum 0.9'; Remarks = 'Builds a deeper dense model trained with SGD and momentum.' }
        @{ Code = @'
$model = New-MnistModel -Architecture Cnn -Seed 1
Import-MnistData -TrainCount 3000 -TestCount 500 | Invoke-MnistTraining -Model $model -Epochs 1 -Quiet | Test-MnistModel
'@; Remarks = 'Builds the convolutional network, trains it one epoch on a small slice and evaluates it.'; NotRunByTests = 'a CNN epoch takes most of a minute on 2 cores' }
        @{ Code = @'
$model = New-MnistModel -Architecture FastCnn -Seed 1
Import-MnistData | Invoke-MnistTraining -Model $model -Epochs 2 -ValidationSplit 0 -Quiet | Test-MnistModel
'@; Remarks = 'Trains the fast CNN with its own defaults (Adam 0.01, betas 0.7 and 0.9, one-cycle, batch 256) on all 60,000 images for two epochs: about 99% test accuracy.'; NotRunByTests = 'two full epochs take tens of seconds on 2 cores' }
        @{ Code = 'New-MnistModel -Architecture FastCnn -LearningRate 0.005 -BatchSize 128 -Seed 1'; Remarks = 'FastCnn with a lower rate and smaller batches; what is not given (betas, schedule) keeps the architecture''s defaults.' }
    )
}
