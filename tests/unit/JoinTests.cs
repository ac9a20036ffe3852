using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Core.Data;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Joined datasets: one dataset made of parts, whose identity names them and whose validation rows come from each.</summary>
public class JoinTests
{
    private static MnistDataset Slice(int train, int test) => TestData.Mnist.Take(train, test);

    private static MnistDataset Small(string name, int train, int test, byte value)
    {
        var trainSplit = new MnistSplit("Train", 28, 28, Enumerable.Repeat(value, train * 784).ToArray(),
            Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray(), MnistDataset.DigitClassNames);
        var testSplit = new MnistSplit("Test", 28, 28, Enumerable.Repeat(value, test * 784).ToArray(),
            Enumerable.Range(0, test).Select(i => (byte)(i % 10)).ToArray(), MnistDataset.DigitClassNames);
        return new MnistDataset(name, name, trainSplit, testSplit, new Dictionary<string, string> { ["content"] = name + "-sum" });
    }

    [Fact]
    public void Joining_concatenates_the_splits_and_names_the_parts()
    {
        var mnist = Slice(300, 50);
        var mine = Small("mine", 20, 5, 200);
        var joined = DatasetJoin.Join(new[] { mnist, mine });

        Assert.Equal("mnist+mine", joined.Name);
        Assert.Equal(320, joined.Train.Count);
        Assert.Equal(55, joined.Test.Count);
        Assert.Equal(new[] { 300, 20 }, joined.Train.PartCounts);
        Assert.Equal(new[] { 50, 5 }, joined.Test.PartCounts);
        Assert.Equal(mnist.Train.GetImage(299), joined.Train.GetImage(299));
        Assert.Equal(mine.Train.GetImage(0), joined.Train.GetImage(300));
        Assert.Equal(mine.Test.Labels, joined.Test.Labels[50..]);
        Assert.Equal(new[] { "mnist", "mine" }, joined.Parts.Select(p => p.Name));
        Assert.True(joined.Parts[0].IsSameDataAs(mnist.Identity));
        Assert.True(joined.Parts[1].IsSameDataAs(mine.Identity));
        Assert.Null(joined.KnownAs);
        Assert.Equal("mine-sum", joined.Checksums["2/content"]);
        Assert.Same(joined, DatasetRegistry.Find(joined.Identity));
    }

    [Fact]
    public void A_joined_identity_differs_from_its_parts_and_from_another_join()
    {
        var mnist = Slice(300, 50);
        var mine = Small("mine", 20, 5, 200);
        var joined = DatasetJoin.Join(new[] { mnist, mine });
        Assert.False(joined.Identity.IsSameDataAs(mnist.Identity));
        Assert.False(mnist.Identity.IsSameDataAs(joined.Identity));
        Assert.False(joined.Identity.IsSameDataAs(DatasetJoin.Join(new[] { mine, mnist }).Identity));
        Assert.False(joined.Identity.IsSameDataAs(DatasetJoin.Join(new[] { Slice(300, 50), Small("mine", 21, 5, 200) }).Identity));
        Assert.Equal(joined.Identity, DatasetJoin.Join(new[] { Slice(300, 50), Small("mine", 20, 5, 200) }).Identity);
        Assert.Empty(mnist.Identity.Parts);
        Assert.Equal(mnist.Identity, Slice(300, 50).Identity);
    }

    [Fact]
    public void Joining_a_joined_dataset_flattens_its_parts()
    {
        var joined = DatasetJoin.Join(new[] { DatasetJoin.Join(new[] { Slice(100, 10), Small("a", 10, 2, 1) }), Small("b", 10, 2, 2) }, "all");
        Assert.Equal("all", joined.Name);
        Assert.Equal(new[] { "mnist", "a", "b" }, joined.Parts.Select(p => p.Name));
        Assert.Equal(new[] { 100, 10, 10 }, joined.Train.PartCounts);
        Assert.All(joined.Parts, p => Assert.Empty(p.Parts));
    }

    [Fact]
    public void Datasets_of_other_classes_or_shapes_are_refused_naming_both()
    {
        var fashionNamed = Slice(10, 10);
        var fashion = new MnistDataset("fashion", "fashion", new MnistSplit("Train", 28, 28, new byte[784], new byte[1], MnistDataset.FashionClassNames),
            new MnistSplit("Test", 28, 28, new byte[784], new byte[1], MnistDataset.FashionClassNames), new Dictionary<string, string>());
        var e = Assert.Throws<MnistException>(() => DatasetJoin.Join(new[] { fashionNamed, fashion }));
        Assert.Equal("DataJoinMismatch", e.ErrorId);
        Assert.Contains("'mnist'", e.Message);
        Assert.Contains("'fashion'", e.Message);
        Assert.Contains("Ankle boot", e.Message);

        var wide = new MnistDataset("wide", "wide", new MnistSplit("Train", 28, 29, new byte[28 * 29], new byte[1], MnistDataset.DigitClassNames),
            new MnistSplit("Test", 28, 29, new byte[28 * 29], new byte[1], MnistDataset.DigitClassNames), new Dictionary<string, string>());
        Assert.Contains("28x29", Assert.Throws<MnistException>(() => DatasetJoin.Join(new[] { fashionNamed, wide })).Message);
        Assert.Equal("JoinNeedsTwoDatasets", Assert.Throws<MnistException>(() => DatasetJoin.Join(new[] { fashionNamed })).ErrorId);
    }

    [Fact]
    public void A_slice_of_a_joined_dataset_keeps_the_parts_it_still_holds()
    {
        var joined = DatasetJoin.Join(new[] { Slice(300, 50), Small("mine", 20, 5, 200) });
        var slice = joined.Take(310, 20);
        Assert.Equal(new[] { 300, 10 }, slice.Train.PartCounts);
        Assert.Equal(new[] { 20, 0 }, slice.Test.PartCounts);
        Assert.Equal(new[] { 300, 10 }, slice.Parts.Select(p => p.TrainCount));
        Assert.Equal(new[] { 20, 0 }, slice.Parts.Select(p => p.TestCount));
    }

    [Fact]
    public void Validation_rows_are_the_last_share_of_every_part()
    {
        var joined = DatasetJoin.Join(new[] { Slice(300, 50), Small("mine", 20, 5, 200) });
        using var rows = ValidationRows.Of(joined.Train, 0.1);
        Assert.Equal(270 + 18, rows.TrainCount);
        Assert.Equal(30 + 2, rows.ValidationCount);
        using var all = TorchSharp.torch.arange(320);
        using var validation = rows.Validation(all);
        Assert.Equal(Enumerable.Range(270, 30).Concat(new[] { 318, 319 }).Select(i => (long)i), validation.data<long>().ToArray());
        using var positions = TorchSharp.torch.arange(rows.TrainCount);
        using var training = rows.ToSplitRows(positions.clone());
        Assert.Equal(Enumerable.Range(0, 270).Concat(Enumerable.Range(300, 18)).Select(i => (long)i), training.data<long>().ToArray());

        using var unjoined = ValidationRows.Of(Slice(300, 50).Train, 0.1);
        Assert.Equal((270, 30), (unjoined.TrainCount, unjoined.ValidationCount));
        using var same = TorchSharp.torch.arange(270);
        Assert.Same(same, unjoined.ToSplitRows(same));
    }

    [Fact]
    public void A_part_joined_with_an_empty_part_trains_bitwise_as_alone()
    {
        var alone = Slice(400, 10);
        var empty = Small("empty", 0, 0, 0);
        EpochRecord Train(MnistDataset data)
        {
            using var model = new MnistModel(new ModelSpec { Seed = 9 });
            return Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, BatchSize = 50, ThreadCount = 1 })[0];
        }
        var a = Train(alone);
        var b = Train(DatasetJoin.Join(new[] { alone, empty }));
        Assert.Equal((a.Loss, a.Accuracy, a.ValLoss, a.ValAccuracy, a.Samples), (b.Loss, b.Accuracy, b.ValLoss, b.ValAccuracy, b.Samples));
    }

    [Fact]
    public void A_model_trained_on_joined_data_saves_and_loads_its_parts()
    {
        var joined = DatasetJoin.Join(new[] { Slice(200, 20), Small("mine", 20, 5, 200) });
        using var model = new MnistModel(new ModelSpec { Seed = 2, HiddenUnits = new[] { 16 } });
        Trainer.Fit(model, joined, new TrainingOptions { Epochs = 1, ThreadCount = 1 });
        Assert.Equal(joined.Identity, model.TrainingData);
        var path = Path.Combine(Path.GetTempPath(), $"mnist-join-{Guid.NewGuid():N}.model");
        try
        {
            ModelFile.Save(model, path, overwrite: false);
            using var loaded = ModelFile.Load(path);
            Assert.Equal(joined.Identity, loaded.TrainingData);
            Assert.Equal(new[] { "mnist", "mine" }, loaded.TrainingData!.Parts.Select(p => p.Name));
            Assert.Equal(new[] { 200, 20 }, loaded.TrainingData.Parts.Select(p => p.TrainCount));
            Assert.Same(joined, TrainingDataLocator.Locate(loaded.TrainingData, MnistFiles.DefaultCacheFolder));

            foreach (var (change, problem) in new (Action<JsonArray>, string)[]
            {
                (parts => parts[1]!["TrainCount"] = 21, "do not add up"),
                (parts => parts[0]!["Parts"] = new JsonArray(), "parts of its own"),
                (parts => parts[1]!["ClassNames"] = new JsonArray("a", "b"), "other class names"),
                (parts => parts[0] = null, "Parts[0] is missing"),
            })
            {
                var tampered = Path.Combine(Path.GetTempPath(), $"mnist-join-{Guid.NewGuid():N}.model");
                File.Copy(path, tampered);
                try
                {
                    RewriteParts(tampered, change);
                    var e = Assert.Throws<MnistException>(() => ModelFile.Load(tampered));
                    Assert.Equal("ModelFileCorrupt", e.ErrorId);
                    Assert.Contains(problem, e.Message);
                }
                finally
                {
                    File.Delete(tampered);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void RewriteParts(string path, Action<JsonArray> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("model.json")!;
        JsonObject json;
        using (var stream = entry.Open()) json = JsonNode.Parse(stream)!.AsObject();
        entry.Delete();
        change(json["TrainingData"]!["Parts"]!.AsArray());
        using var output = zip.CreateEntry("model.json").Open();
        output.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }
}
