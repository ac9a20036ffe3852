#:package Microsoft.ML.OnnxRuntime@1.31.1
// Predicts MNIST test images with a model exported by `Export-MnistModel -Path mnist.onnx`, without the Mnist module:
//   dotnet run predict.cs -- mnist.onnx ~/.cache/mnist/t10k-images-idx3-ubyte 5
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

var (modelPath, imagesPath, count) = (args[0], args[1], int.Parse(args[2]));
using var session = new InferenceSession(modelPath);
var classNames = JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap["class_names"]).RootElement
    .EnumerateArray().Select(name => name.GetString()!).ToArray();

// The input is what the notebook calls x_test: each 28x28 image as 784 floats, pixel / 255.
var idx = File.ReadAllBytes(imagesPath);                      // IDX: a 16-byte header, then one byte per pixel
var pixels = new DenseTensor<float>(new[] { count, 784 });
for (int i = 0; i < count * 784; i++) pixels.Buffer.Span[i] = idx[16 + i] / 255f;

using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("pixels", pixels) });
var probabilities = results.First(r => r.Name == "probabilities").AsTensor<float>();
for (int n = 0; n < count; n++)
{
    int best = 0;
    for (int c = 1; c < classNames.Length; c++) if (probabilities[n, c] > probabilities[n, best]) best = c;
    Console.WriteLine($"{n} {classNames[best]} {probabilities[n, best]:F4}");
}
