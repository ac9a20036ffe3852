using System.Text.Json.Nodes;
using Mnist.Core.Data;
using Mnist.Core.Sweeps;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>A sweep's plan (grid and random draws), its ranking, its data file and its folder's definition.</summary>
public class SweepTests
{
    private static SweepValueList Values(string name, params object[] values) =>
        new(name, values.Select(v => v switch { string s => (JsonNode)s, int i => (long)i, double d => d, _ => throw new ArgumentException() }).ToArray());

    [Fact]
    public void A_grid_holds_every_combination_with_the_last_parameter_varying_fastest()
    {
        var trials = SweepPlan.Grid(new SweepDomain[] { Values("LearningRate", 0.001, 0.002), Values("Architecture", "Mlp", "Cnn", "FastCnn") });
        Assert.Equal(6, trials.Count);
        Assert.Equal(Enumerable.Range(1, 6), trials.Select(t => t.Number));
        Assert.Equal("LearningRate=0.001, Architecture=Mlp", trials[0].Description);
        Assert.Equal("LearningRate=0.001, Architecture=Cnn", trials[1].Description);
        Assert.Equal("LearningRate=0.002, Architecture=FastCnn", trials[5].Description);
        Assert.Equal(6, trials.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public void A_grid_refuses_ranges_and_absurd_sizes()
    {
        var range = SweepRange.Create("LearningRate", 1e-4, 1e-2, log: true, integer: false);
        Assert.Equal("InvalidSweepParameter", Assert.Throws<MnistException>(() => SweepPlan.Grid(new SweepDomain[] { range })).ErrorId);
        var big = Enumerable.Range(0, 5).Select(i => (SweepDomain)Values($"P{i}", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).ToArray();
        Assert.Equal("SweepTooLarge", Assert.Throws<MnistException>(() => SweepPlan.Grid(big)).ErrorId);
    }

    [Fact]
    public void Random_draws_are_different_within_their_ranges_and_the_same_for_the_same_seed()
    {
        var domains = new SweepDomain[]
        {
            SweepRange.Create("LearningRate", 1e-4, 1e-2, log: true, integer: false),
            SweepRange.Create("BatchSize", 16, 256, log: false, integer: true),
            Values("Architecture", "Mlp", "FastCnn"),
        };
        var first = SweepPlan.Random(domains, 20, seed: 42);
        var again = SweepPlan.Random(domains, 20, seed: 42);
        var other = SweepPlan.Random(domains, 20, seed: 43);
        Assert.Equal(first.Select(t => t.Key), again.Select(t => t.Key));
        Assert.NotEqual(first.Select(t => t.Key), other.Select(t => t.Key));
        Assert.Equal(20, first.Select(t => t.Key).Distinct().Count());
        foreach (var trial in first)
        {
            double rate = trial.Values[0].Value.GetValue<double>();
            Assert.InRange(rate, 1e-4, 1e-2);
            Assert.InRange(trial.Values[1].Value.GetValue<long>(), 16, 256);
        }
        // A log range spreads draws over the decades: some below 1e-3, as a uniform draw would almost never give.
        Assert.Contains(first, t => t.Values[0].Value.GetValue<double>() < 1e-3);
    }

    [Fact]
    public void Random_draws_from_lists_alone_give_each_combination_once_when_there_are_fewer_than_asked()
    {
        var trials = SweepPlan.Random(new SweepDomain[] { Values("BatchSize", 64, 128) }, 5, seed: 1);
        Assert.Equal(2, trials.Count);
    }

    [Fact]
    public void Trials_rank_best_first_by_the_monitor_lower_loss_first_and_unscored_last()
    {
        SweepTrial Row(int trial, double? score) => new() { Trial = trial, Score = score, Monitor = "val_loss" };
        var ranked = SweepTrial.Ranked(new[] { Row(1, 0.30), Row(2, null), Row(3, 0.10), Row(4, 0.20) }, "val_loss");
        Assert.Equal(new[] { 3, 4, 1, 2 }, ranked.Select(r => r.Trial));
        Assert.Equal(new int?[] { 1, 2, 3, null }, ranked.Select(r => r.Rank));
        var byAccuracy = SweepTrial.Ranked(new[] { Row(1, 0.9), Row(2, 0.95) }, "val_accuracy");
        Assert.Equal(new[] { 2, 1 }, byAccuracy.Select(r => r.Trial));
    }

    [Fact]
    public void The_data_file_gives_back_the_same_data_and_identity()
    {
        var data = TestData.Mnist.Take(300, 50);
        var file = Path.Combine(Path.GetTempPath(), $"sweep-data-{Guid.NewGuid():n}");
        try
        {
            SweepDataFile.Write(data, file);
            var read = SweepDataFile.Read(file);
            Assert.Equal(data.Identity, read.Identity);
            Assert.Equal(data.Train.Pixels, read.Train.Pixels);
            Assert.Equal(data.Test.Labels, read.Test.Labels);
            Assert.NotNull(read.Identity.KnownDataset);
            Assert.Equal(data.Identity, SweepDataFile.FromBytes(SweepDataFile.ToBytes(data)).Identity);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_damaged_data_file_is_refused_before_its_images_are_allocated()
    {
        var bytes = SweepDataFile.ToBytes(TestData.Mnist.Take(100, 10));
        var truncated = bytes[..^1];
        Assert.Equal("SweepDataInvalid", Assert.Throws<MnistException>(() => SweepDataFile.FromBytes(truncated)).ErrorId);
        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] ^= 0xFF;
        Assert.Equal("SweepDataInvalid", Assert.Throws<MnistException>(() => SweepDataFile.FromBytes(wrongMagic)).ErrorId);
        // A header claiming 10 million images in a small file: refused by its length, not by running out of memory.
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var huge = System.Text.Encoding.UTF8.GetBytes(text.Replace("\"TrainCount\":100", "\"TrainCount\":9999999"));
        Assert.Equal("SweepDataInvalid", Assert.Throws<MnistException>(() => SweepDataFile.FromBytes(huge)).ErrorId);
    }

    [Fact]
    public void A_folder_holding_another_sweep_is_refused_naming_the_difference()
    {
        var data = TestData.Mnist.Take(100, 10);
        var folder = Path.Combine(Path.GetTempPath(), $"sweep-{Guid.NewGuid():n}");
        SweepDefinition Definition(int epochs)
        {
            var domains = new SweepDomain[] { Values("LearningRate", 0.001, 0.002) };
            return new SweepDefinition(domains, SweepPlan.Grid(domains), null, 1, "val_accuracy", new JsonObject { ["Epochs"] = epochs }, data.Identity);
        }
        try
        {
            using (SweepFolder.Open(folder, Definition(1), data))
            {
                // Its lock keeps a second sweep out while it is open.
                Assert.Equal("SweepFolderInUse", Assert.Throws<MnistException>(() => SweepFolder.Open(folder, Definition(1), data)).ErrorId);
            }
            using (SweepFolder.Open(folder, Definition(1), data)) { }
            var refused = Assert.Throws<MnistException>(() => SweepFolder.Open(folder, Definition(2), data));
            Assert.Equal("SweepMismatch", refused.ErrorId);
            Assert.Contains("Epochs", refused.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_lock_owner_counts_as_running_only_while_its_process_lives()
    {
        var now = DateTimeOffset.Now;
        Assert.True(SweepLockOwner.Current().StillRunning(), "this process holds it");
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        Assert.False(new SweepLockOwner(ended.Id, Environment.MachineName, now).StillRunning(), "its process is gone");
        Assert.False(new SweepLockOwner(Environment.ProcessId, Environment.MachineName, now.AddDays(-30)).StillRunning(),
            "the id now belongs to a process started after the lock was taken");
        Assert.True(new SweepLockOwner(ended.Id, "another-machine", now).StillRunning(), "another machine's sweep cannot be checked");
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 host")]
    [InlineData("-5 host 2026-12-07T10:00:00+00:00")]
    [InlineData("12 host yesterday")]
    public void A_damaged_lock_file_names_no_owner(string line)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, line);
            Assert.Null(SweepLockOwner.Read(file));
            Assert.Null(SweepLockOwner.Read(file + ".missing"));
            File.WriteAllText(file, SweepLockOwner.Current().ToLine());
            Assert.Equal(Environment.ProcessId, SweepLockOwner.Read(file)!.ProcessId);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
