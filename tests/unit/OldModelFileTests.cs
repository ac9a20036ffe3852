using System.Text.Json;
using Mnist.Core.Evaluation;
using Mnist.Core.Persistence;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Model files written before networks were described layer by layer still load and predict as they did.</summary>
public class OldModelFileTests
{
    internal static string Fixture(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "fixtures", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/fixtures/{name} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void A_format_2_model_file_loads_its_network_from_its_settings_and_predicts_as_it_did()
    {
        using var model = ModelFile.Load(Fixture("format2-mlp.model"));
        Assert.Equal(new[] { "Dense(8, activation=relu)", "Dropout(0.2)", "Dense(10, activation=softmax)" }, model.LayerDefinitions);
        Assert.Equal(1, model.EpochsTrained);
        var expected = JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Fixture("format2-mlp.probabilities.json")))!;
        var predictions = Predictor.PredictSplit(model, TestData.Mnist.Test, new[] { 0, 1, 2, 3, 4 }).ToList();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], predictions[i].Probabilities);
    }
}
