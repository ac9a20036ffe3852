using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using Mnist.Core.Training.Backup;
using Mnist.Core.Training.Callbacks;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>BackupAndRestore: a run that fails after any epoch and is run again ends as the unbroken run, callbacks' state included.</summary>
public class BackupTests
{
    private static MnistDataset Slice => TestData.Mnist.Take(2_000, 200);

    // Early stopping (restoring an earlier epoch's weights), ReduceLROnPlateau and a checkpoint all carry state across epochs.
    private static TrainingOptions OptionsIn(string folder) => new()
    {
        Epochs = 12, BatchSize = 100, ThreadCount = 1, ValidationSplit = 0.2, Patience = 3, BackupPath = folder,
        ReduceLROnPlateau = new PlateauOptions { Factor = 0.5, Patience = 1 },
        CheckpointPath = Path.Combine(folder, "..", Path.GetFileName(folder) + "-best.mnist"),
    };

    private static readonly ModelSpec Spec = new() { Seed = 31, LearningRate = 0.02 };

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "mnist-backup-" + Guid.NewGuid().ToString("N"));

    private static float[] Predictions(MnistModel model, MnistDataset data) =>
        Predictor.PredictSplit(model, data.Test).SelectMany(p => p.Probabilities.Select(v => (float)v)).ToArray();

    private static string Figures(MnistModel model) => string.Join("\n", model.History.Select(h =>
        FormattableString.Invariant($"{h.Epoch} {h.Loss:R} {h.ValLoss:R} {h.LearningRate:R} {h.InWeights}")));

    [Fact]
    public void A_run_failing_after_any_epoch_resumes_to_the_unbroken_result()
    {
        var data = Slice;
        using var unbroken = new MnistModel(Spec);
        var folder = NewFolder();
        var result = Trainer.Fit(unbroken, data.Train, OptionsIn(folder));
        Assert.True(result.StoppedEarly, "early stopping ended the unbroken run");
        Assert.True(unbroken.History.Count > unbroken.EpochsTrained, "it restored an earlier epoch's weights");
        Assert.Contains(unbroken.History, h => h.LearningRate < Spec.LearningRate);
        Assert.False(TrainingBackup.Exists(folder), "a finished run clears its backup");

        for (int failAfter = 1; failAfter < unbroken.History.Count; failAfter += 2)
        {
            var broken = NewFolder();
            using (var first = new MnistModel(Spec))
            {
                Assert.Throws<InvalidOperationException>(() => Trainer.Fit(first, data.Train, OptionsIn(broken), new[]
                {
                    new EpochEndAction((record, _) => { if (record.Epoch == failAfter) throw new InvalidOperationException("killed"); }),
                }));
            }
            Assert.True(TrainingBackup.Exists(broken));
            Assert.Equal(failAfter, TrainingBackup.EpochsIn(broken));
            using var resumed = new MnistModel(Spec);
            Trainer.Fit(resumed, data.Train, OptionsIn(broken));
            Assert.Equal(Figures(unbroken), Figures(resumed));
            Assert.Equal(unbroken.EpochsTrained, resumed.EpochsTrained);
            Assert.Equal(Predictions(unbroken, data), Predictions(resumed, data));
            Assert.False(TrainingBackup.Exists(broken));
        }
    }

    [Fact]
    public void A_run_stopped_in_its_first_epoch_resumes_from_its_start_and_logs_each_epoch_once()
    {
        var data = Slice;
        var options = new TrainingOptions { Epochs = 3, BatchSize = 100, ThreadCount = 1, ValidationSplit = 0.2 };
        using var unbroken = new MnistModel(Spec);
        Trainer.Fit(unbroken, data.Train, options);

        var folder = NewFolder();
        var log = folder + "-epochs.csv";
        var logged = options with { BackupPath = folder, LogPath = log };
        using (var first = new MnistModel(Spec))
        {
            Assert.Throws<OperationCanceledException>(() => Trainer.Fit(first, data.Train, logged, new[] { new BatchEndAction(5) }));
        }
        Assert.True(TrainingBackup.Exists(folder), "the run's start is backed up before its first epoch");
        Assert.Equal(0, TrainingBackup.EpochsIn(folder));
        // A kill between the log's row and the backup leaves a row of an epoch the backup does not hold.
        File.AppendAllText(log, "1,9,0.1,9,0.1,0.02,1\n");

        using var resumed = new MnistModel(Spec);
        Trainer.Fit(resumed, data.Train, logged);
        Assert.Equal(Figures(unbroken), Figures(resumed));
        Assert.Equal(Predictions(unbroken, data), Predictions(resumed, data));
        var rows = File.ReadAllLines(log).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(new[] { "1", "2", "3" }, rows.Select(r => r[0]));
        Assert.Equal(unbroken.History.Select(h => h.Loss.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r[1]));
        Assert.False(TrainingBackup.Exists(folder));
    }

    /// <summary>Stops the training as Ctrl+C would, after the given batch of the first epoch.</summary>
    private sealed class BatchEndAction(int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == 1 && context.Batch == batch) throw new OperationCanceledException("stopped");
        }
    }

    [Fact]
    public void Another_runs_backup_is_refused_naming_what_differs()
    {
        var data = Slice;
        var folder = NewFolder();
        using (var first = new MnistModel(Spec))
        {
            Assert.Throws<InvalidOperationException>(() => Trainer.Fit(first, data.Train, OptionsIn(folder), new[]
            {
                new EpochEndAction((record, _) => throw new InvalidOperationException("killed")),
            }));
        }
        using var other = new MnistModel(Spec with { LearningRate = 0.01 });
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(other, data.Train, OptionsIn(folder) with { Epochs = 13 }));
        Assert.Equal("BackupMismatch", e.ErrorId);
        Assert.Contains("Epochs: backup 12, this run 13", e.Message);
        Assert.Contains("model.LearningRate: backup 0.02, this run 0.01", e.Message);
        Assert.True(TrainingBackup.Exists(folder), "a refused backup is left as it was");
    }
}
