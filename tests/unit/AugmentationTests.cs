using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

public class AugmentationTests
{
    private static readonly AugmentationOptions None = new() { RotationDegrees = 0, ShiftPixels = 0, Scale = 0, ShearDegrees = 0 };

    /// <summary>The first <paramref name="count"/> real training digits, (N, 784) in [0, 1].</summary>
    private static Tensor Digits(int count) => TestData.Mnist.Train.Features.narrow(0, 0, count);

    /// <summary>Each image's centre of mass (column, row) in pixels.</summary>
    private static (double X, double Y)[] CentresOfMass(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var images = batch.reshape(-1, 28, 28).to_type(ScalarType.Float64);
        var mass = images.sum(new long[] { 1, 2 });
        var columns = arange(28, ScalarType.Float64);
        var x = (images.sum(1) * columns).sum(1) / mass;
        var y = (images.sum(2) * columns).sum(1) / mass;
        var xs = x.data<double>().ToArray();
        var ys = y.data<double>().ToArray();
        return xs.Zip(ys).ToArray();
    }

    [Fact]
    public void Zero_ranges_leave_the_images_unchanged()
    {
        using var generator = new Generator(1);
        using var scope = NewDisposeScope();
        var digits = Digits(64);
        var changed = new BatchAugmenter(None, 28, 28, generator).Apply(digits);
        Assert.Equal(digits.shape, changed.shape);
        Assert.True(changed.sub(digits).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void A_pure_shift_moves_each_digits_centre_of_mass_by_the_shift()
    {
        using var scope = NewDisposeScope();
        var digits = Digits(32);
        long n = digits.shape[0];
        var moved = BatchAugmenter.Transform(digits, 28, 28, rotation: zeros(n), shear: zeros(n), scale: ones(n),
            shiftX: ones(n) * 3, shiftY: ones(n) * -2);
        // A digit whose ink reaches the frame loses that ink off the edge (zeros padding); compare the ones kept whole.
        var kept = (moved.sum(1) / digits.sum(1)).gt(0.9999).data<bool>().ToArray();
        Assert.True(kept.Count(k => k) >= 24, $"{kept.Count(k => k)} of 32 digits kept whole");
        foreach (var (((x0, y0), (x1, y1)), whole) in CentresOfMass(digits).Zip(CentresOfMass(moved)).Zip(kept))
        {
            if (!whole) continue;
            Assert.Equal(3.0, x1 - x0, 2);
            Assert.Equal(-2.0, y1 - y0, 2);
        }
    }

    [Fact]
    public void A_quarter_turn_rotates_each_digit_clockwise_on_screen_about_the_image_centre()
    {
        using var scope = NewDisposeScope();
        var digits = Digits(8);
        long n = digits.shape[0];
        var turned = BatchAugmenter.Transform(digits, 28, 28, rotation: ones(n) * (Math.PI / 2), shear: zeros(n), scale: ones(n),
            shiftX: zeros(n), shiftY: zeros(n));
        // Clockwise with rows going down: the pixel at (row r, column c) goes to (row c, column 27 - r).
        var expected = digits.reshape(n, 28, 28).flip(1).transpose(1, 2).reshape(n, 784);
        Assert.True(turned.sub(expected).abs().max().item<float>() < 1e-4f);
    }

    [Fact]
    public void Random_shifts_stay_within_their_range_and_vary_per_image()
    {
        using var generator = new Generator(5);
        using var scope = NewDisposeScope();
        var digits = Digits(200);
        var moved = new BatchAugmenter(None with { ShiftPixels = 2 }, 28, 28, generator).Apply(digits);
        var shifts = CentresOfMass(digits).Zip(CentresOfMass(moved), (a, b) => (X: b.X - a.X, Y: b.Y - a.Y)).ToArray();
        Assert.All(shifts, s => Assert.InRange(Math.Max(Math.Abs(s.X), Math.Abs(s.Y)), 0, 2.05));
        Assert.Contains(shifts, s => s.X > 1);
        Assert.Contains(shifts, s => s.X < -1);
        Assert.Contains(shifts, s => s.Y > 1);
        Assert.Contains(shifts, s => s.Y < -1);
    }

    [Fact]
    public void The_default_changes_alter_every_digit_but_keep_its_ink_in_the_frame()
    {
        using var generator = new Generator(9);
        using var scope = NewDisposeScope();
        var digits = Digits(100);
        var changed = new BatchAugmenter(new AugmentationOptions(), 28, 28, generator).Apply(digits);
        var difference = changed.sub(digits).abs().sum(1);
        Assert.True(difference.min().item<float>() > 1, "every image changed");
        var ratio = changed.sum(1) / digits.sum(1);
        Assert.InRange(ratio.min().item<float>(), 0.75f, 1.3f);
        Assert.InRange(ratio.max().item<float>(), 0.75f, 1.3f);
        Assert.InRange(changed.min().item<float>(), 0f, 1f);
        Assert.InRange(changed.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void The_same_seed_and_threads_give_bitwise_the_same_augmented_history_and_record_the_ranges()
    {
        var data = TestData.Mnist.Take(3_000, 100);
        var augmentation = new AugmentationOptions();
        IReadOnlyList<EpochRecord> Run(AugmentationOptions? with)
        {
            using var model = new MnistModel(new ModelSpec { Seed = 11 });
            var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 2, ThreadCount = 1, Augmentation = with });
            Assert.Equal(with, model.Augmentation);
            return history;
        }
        var a = Run(augmentation);
        var b = Run(augmentation);
        var plain = Run(null);
        Assert.Equal(a.Select(r => (r.Loss, r.Accuracy, r.ValLoss, r.ValAccuracy)), b.Select(r => (r.Loss, r.Accuracy, r.ValLoss, r.ValAccuracy)));
        Assert.All(a, r => Assert.Equal(augmentation, r.Augmentation));
        Assert.All(plain, r => Assert.Null(r.Augmentation));
        Assert.NotEqual(plain[0].Loss, a[0].Loss);
    }

    [Fact]
    public void Training_with_augmentation_still_learns_and_validates_on_unchanged_images()
    {
        var data = TestData.Mnist.Take(6_000, 1_000);
        using var model = new MnistModel(new ModelSpec { Seed = 4 });
        var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 3, ThreadCount = 2, Augmentation = new AugmentationOptions() });
        var test = Evaluator.Evaluate(model, data.Test);
        Assert.True(history[^1].Loss < history[0].Loss, $"loss {history[0].Loss} -> {history[^1].Loss}");
        Assert.True(test.Accuracy > 0.88, $"test accuracy {test.Accuracy}");
        // Validation sees the original images: evaluating the held-out tenth again gives exactly its val_accuracy.
        Assert.Equal(history[^1].ValAccuracy!.Value, Evaluator.Evaluate(model, data.Train.Slice(5_400, 600)).Accuracy, 9);
    }

    [Fact]
    public void A_saved_model_keeps_the_augmentation_of_its_epochs()
    {
        var data = TestData.Mnist.Take(512, 64);
        using var model = new MnistModel(new ModelSpec { Seed = 2, HiddenUnits = new[] { 16 } });
        var augmentation = new AugmentationOptions { RotationDegrees = 15, ShiftPixels = 3 };
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ValidationSplit = 0, Augmentation = augmentation });
        var path = Path.Combine(Path.GetTempPath(), "mnist-augment-" + Guid.NewGuid().ToString("N") + ".mnist");
        try
        {
            ModelFile.Save(model, path, overwrite: false);
            using var loaded = ModelFile.Load(path);
            Assert.Equal(augmentation, loaded.History[0].Augmentation);
            Assert.Equal(augmentation, loaded.Augmentation);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_cnn_augments_by_default_the_mlp_does_not_and_a_training_can_turn_it_off()
    {
        var data = TestData.Mnist.Take(256, 32);
        AugmentationOptions? Trained(Architecture architecture, bool? augment)
        {
            using var model = new MnistModel(ModelSpec.DefaultFor(architecture) with { Seed = 5 });
            return Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ValidationSplit = 0, Augment = augment })[0].Augmentation;
        }
        Assert.True(ModelSpec.DefaultFor(Architecture.Cnn).Augment);
        Assert.Equal(new AugmentationOptions(), Trained(Architecture.Cnn, augment: null));
        Assert.Null(Trained(Architecture.Cnn, augment: false));
        Assert.Null(Trained(Architecture.Mlp, augment: null));
        Assert.Equal(new AugmentationOptions(), Trained(Architecture.Mlp, augment: true));
    }

    [Fact]
    public void Ranges_with_augmentation_turned_off_are_refused()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, TestData.Mnist.Take(100, 10),
            new TrainingOptions { Epochs = 1, Augment = false, Augmentation = new AugmentationOptions() }));
        Assert.Equal("InvalidTrainingOption", e.ErrorId);
    }

    public static TheoryData<AugmentationOptions, string> BadRanges => new()
    {
        { new AugmentationOptions { RotationDegrees = -1 }, "RotationDegrees" },
        { new AugmentationOptions { RotationDegrees = 181 }, "RotationDegrees" },
        { new AugmentationOptions { ShiftPixels = double.NaN }, "ShiftPixels" },
        { new AugmentationOptions { ShiftPixels = 15 }, "ShiftPixels" },
        { new AugmentationOptions { Scale = 0.6 }, "Scale" },
        { new AugmentationOptions { ShearDegrees = 46 }, "ShearDegrees" },
        { new AugmentationOptions { ShearDegrees = double.PositiveInfinity }, "ShearDegrees" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Bad_ranges_are_refused_before_training_naming_them(AugmentationOptions augmentation, string name)
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var e = Assert.Throws<MnistException>(() => Trainer.Fit(model, TestData.Mnist.Take(100, 10),
            new TrainingOptions { Epochs = 1, Augmentation = augmentation }));
        Assert.Equal("InvalidTrainingOption", e.ErrorId);
        Assert.Contains(name, e.Message);
        Assert.Empty(model.History);
    }
}
