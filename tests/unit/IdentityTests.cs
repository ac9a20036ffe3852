using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>The catalogue, and data and models that know what they are.</summary>
public class IdentityTests
{
    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public void The_catalogue_declares_mnist_fashion_and_kmnist()
    {
        Assert.Equal(new[] { "mnist", "fashion-mnist", "kmnist" }, DatasetCatalog.Names);
        Assert.Equal("Ankle boot", DatasetCatalog.Get("FASHION-MNIST").ClassNames[9]);
        foreach (var dataset in DatasetCatalog.All)
        {
            Assert.Equal(4, dataset.Files.Count);
            Assert.All(dataset.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.GzipSha256));
            Assert.Equal(10, dataset.ClassNames.Count);
            Assert.NotEmpty(dataset.Mirrors);
        }
        var e = Assert.Throws<MnistException>(() => DatasetCatalog.Get("cifar"));
        Assert.Equal("UnknownDataset", e.ErrorId);
    }

    [Fact]
    public void A_known_dataset_name_stands_for_its_class_names()
    {
        Assert.Equal(DatasetCatalog.FashionMnist.ClassNames, DatasetCatalog.ResolveClassNames(new[] { "fashion-mnist" }));
        Assert.Equal(new[] { "cat", "dog" }, DatasetCatalog.ResolveClassNames(new[] { "cat", "dog" }));
        Assert.Equal("InvalidClassNames", Assert.Throws<MnistException>(() => DatasetCatalog.ResolveClassNames(new[] { "cat" })).ErrorId);
        Assert.Equal("InvalidClassNames", Assert.Throws<MnistException>(() => DatasetCatalog.ResolveClassNames(new[] { "a", "a" })).ErrorId);
    }

    [Fact]
    public void Mnist_from_the_cache_is_recognised_by_its_sums()
    {
        var data = TestData.Mnist;
        Assert.Same(DatasetCatalog.Mnist, data.KnownAs);
        Assert.Equal("mnist", data.Identity.Name);
        Assert.Equal(60_000, data.Identity.TrainCount);
        Assert.Equal(data.Identity, data.Train.Data);
        Assert.Equal(data.Identity, data.Test.Data);
    }

    [Fact]
    public void Real_fashion_mnist_files_are_recognised_and_named()
    {
        if (!Directory.Exists(FashionFolder)) return; // Debian's dataset-fashion-mnist is not installed here
        var data = MnistLoader.LoadFolder(FashionFolder);
        Assert.Equal("fashion-mnist", data.Name);
        Assert.Equal(DatasetCatalog.FashionMnist.ClassNames, data.ClassNames);
        Assert.Same(DatasetCatalog.FashionMnist, data.KnownAs);
    }

    [Fact]
    public void Unknown_idx_data_keeps_its_folder_name_and_digit_classes()
    {
        var folder = TestData.Folder();
        var data = MnistLoader.LoadFolder(folder);
        Assert.Equal(Path.GetFileName(folder), data.Name);
        Assert.Null(data.KnownAs);
        Assert.Equal(DatasetCatalog.DigitClassNames, data.ClassNames);
        var named = MnistLoader.LoadFolder(folder, "letters", new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" });
        Assert.Equal("letters", named.Name);
        Assert.Equal("j", named.Test.ClassNames[9]);
    }

    [Fact]
    public void A_slice_is_other_data_than_the_whole()
    {
        var whole = TestData.Mnist;
        var slice = whole.Take(1000, 100);
        Assert.False(slice.Identity.IsSameDataAs(whole.Identity));
        Assert.True(slice.Identity.IsSameDataAs(whole.Take(1000, 100).Identity));
    }

    [Fact]
    public void A_trained_model_knows_its_data_and_takes_its_class_names()
    {
        var fashion = WithClassNames(TestData.Mnist.Take(1000, 100), DatasetCatalog.FashionMnist.ClassNames, "clothes");
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        Assert.Equal(DatasetCatalog.DigitClassNames, model.ClassNames);
        Trainer.Fit(model, fashion, new TrainingOptions { Epochs = 1 });
        Assert.Equal(fashion.Identity, model.TrainingData);
        Assert.Equal(DatasetCatalog.FashionMnist.ClassNames, model.ClassNames);
        Assert.Contains(Predictor.PredictPixels(model, fashion.Test.ImagePixels(0)).PredictedName, DatasetCatalog.FashionMnist.ClassNames);
    }

    [Fact]
    public void A_trained_model_refuses_data_with_other_classes_naming_both()
    {
        var digits = TestData.Mnist.Take(1000, 100);
        var fashion = WithClassNames(digits, DatasetCatalog.FashionMnist.ClassNames, "clothes");
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        Trainer.Fit(model, digits, new TrainingOptions { Epochs = 1 });
        var e = Assert.Throws<MnistException>(() => Evaluator.Evaluate(model, fashion.Test));
        Assert.Equal("ModelClassesMismatch", e.ErrorId);
        Assert.Contains("Ankle boot", e.Message);
        Assert.Contains(model.Name, e.Message);
        Assert.Equal("ModelClassesMismatch", Assert.Throws<MnistException>(() => Trainer.Fit(model, fashion, new TrainingOptions { Epochs = 1 })).ErrorId);
    }

    [Fact]
    public void Samples_are_predicted_on_their_own_pixels_and_labelled_only_with_the_models_classes()
    {
        var digits = TestData.Mnist.Take(1000, 100);
        using var model = new MnistModel(new ModelSpec { Seed = 2 });
        Trainer.Fit(model, digits, new TrainingOptions { Epochs = 1 });
        var other = WithClassNames(digits, DatasetCatalog.FashionMnist.ClassNames, "clothes");
        var samples = SampleSelector.ByIndex(other.Test, new[] { 3, 4 }).ToList();
        var predictions = Predictor.PredictSamples(model, samples).ToList();
        for (int i = 0; i < samples.Count; i++)
        {
            var alone = Predictor.PredictPixels(model, samples[i].Pixels);
            Assert.Equal(alone.Predicted, predictions[i].Predicted);
            for (int c = 0; c < alone.Probabilities.Length; c++) Assert.Equal(alone.Probabilities[c], predictions[i].Probabilities[c], 5);
            Assert.Null(predictions[i].Label);
            Assert.Null(predictions[i].IsCorrect);
            Assert.Equal(samples[i].ClassName, predictions[i].TrueClassName);
        }
        var own = Predictor.PredictSamples(model, SampleSelector.ByIndex(digits.Test, new[] { 3 }).ToList()).Single();
        Assert.Equal(digits.Test.Labels[3], own.Label);
    }

    [Fact]
    public void A_model_file_keeps_name_class_names_training_data_and_schedule()
    {
        var fashion = WithClassNames(TestData.Mnist.Take(500, 50), DatasetCatalog.FashionMnist.ClassNames, "clothes");
        using var model = new MnistModel(new ModelSpec { Seed = 3, Schedule = LearningRateSchedule.Cosine }, name: "nightly");
        Trainer.Fit(model, fashion, new TrainingOptions { Epochs = 1 });
        var path = Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.mnistmodel");
        ModelFile.Save(model, path, overwrite: false);
        using var loaded = ModelFile.Load(path);
        Assert.Equal("nightly", loaded.Name);
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.TrainingData, loaded.TrainingData);
        Assert.Equal(model.SchedulePlan, loaded.SchedulePlan);
        Assert.Equal("Ankle boot", loaded.ClassNames[9]);
        File.Delete(path);
    }

    [Fact]
    public void The_registry_finds_loaded_data_by_identity_and_the_locator_falls_back_to_the_cache()
    {
        var data = TestData.Mnist.Take(1000, 100);
        Assert.Same(data, DatasetRegistry.Find(data.Identity));
        var fromCache = TrainingDataLocator.Locate(TestData.Mnist.Identity, MnistFiles.DefaultCacheFolder);
        Assert.NotNull(fromCache);
        Assert.Equal(10_000, fromCache!.Test.Count);
        var unknown = new DataIdentity("nothing", new Dictionary<string, string> { ["x"] = new string('0', 64) }, DatasetCatalog.DigitClassNames, 5, 5);
        Assert.Null(TrainingDataLocator.Locate(unknown, MnistFiles.DefaultCacheFolder));
    }

    private static MnistDataset WithClassNames(MnistDataset data, IReadOnlyList<string> names, string name) =>
        new(name, data.Source,
            new MnistSplit("Train", 28, 28, data.Train.Pixels, data.Train.Labels, names),
            new MnistSplit("Test", 28, 28, data.Test.Pixels, data.Test.Labels, names),
            new Dictionary<string, string> { ["fake"] = name });
}
