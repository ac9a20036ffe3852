using System.Diagnostics;
using System.Text;
using Mnist.Core.Data;
using Mnist.Core.Imaging;
using Mnist.Core.Persistence;
using Mnist.Core.Rendering;
using Mnist.Core.Runtime;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// Inputs that are not regular files (FIFOs: open(2) would block forever), environment variables that cannot be
/// used, paths with NUL or names at and beyond the platform's limit, and names carrying terminal escape sequences.
/// </summary>
public class HostilePathTests
{
    private static string TempFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-paths-" + Guid.NewGuid().ToString("N"))).FullName;

    private static string MakeFifo(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        using var mkfifo = Process.Start("mkfifo", path)!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Runs a read that must not block; a reader that opened the FIFO would hang, so the test gives up after 10 s instead of hanging the suite.</summary>
    private static MnistException RefusedInTime(Action read)
    {
        var task = Task.Run(() => Assert.Throws<MnistException>(read));
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "the reader blocked on the FIFO");
        return task.Result;
    }

    public static TheoryData<string, string> Readers => new()
    {
        { "picture", "digit.png" },
        { "model", "model.mnist" },
        { "onnx", "model.onnx" },
        { "idx", "train-images-idx3-ubyte" },
        { "npz", "mnist.npz" },
        { "package", "torchsharp.0.107.0.nupkg" },
    };

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_FIFO_where_a_file_is_expected_is_InputNotAFile_at_once_and_the_next_file_still_reads(string reader, string name)
    {
        if (!OperatingSystem.IsLinux()) return; // mkfifo and the descriptor check are Linux's
        var folder = TempFolder();
        var fifo = MakeFifo(folder, name);
        Action read = reader switch
        {
            "picture" => () => DigitImageFile.Prepare(fifo),
            "model" => () => ModelFile.Load(fifo).Dispose(),
            "onnx" => () => ModelFormats.Load(fifo).Dispose(),
            "idx" => () => IdxSource.Open(fifo).Dispose(),
            "npz" => () => NpzReader.ReadSplit(fifo, "train"),
            "package" => () => new FolderPackageSource(folder).Open(new RuntimePackage("torchsharp", "0.107.0", ""), CancellationToken.None).Dispose(),
            _ => throw new ArgumentException(reader),
        };
        var error = RefusedInTime(read);
        Assert.Equal("InputNotAFile", error.ErrorId);
        Assert.Equal(fifo, error.Target);
        Assert.Contains(fifo, error.Message);

        // A regular file right after it opens as usual.
        var regular = Path.Combine(folder, "regular.bin");
        File.WriteAllBytes(regular, new byte[] { 1, 2, 3 });
        using var stream = InputFile.OpenRead(regular);
        Assert.Equal(3, stream.Length);
    }

    [Fact]
    public void A_symbolic_link_to_a_FIFO_is_refused_and_one_to_a_file_is_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        var folder = TempFolder();
        var fifo = MakeFifo(folder, "pipe");
        var toFifo = Path.Combine(folder, "to-pipe");
        File.CreateSymbolicLink(toFifo, fifo);
        Assert.Equal("InputNotAFile", RefusedInTime(() => InputFile.OpenRead(toFifo).Dispose()).ErrorId);
        var file = Path.Combine(folder, "file");
        File.WriteAllText(file, "x");
        var toFile = Path.Combine(folder, "to-file");
        File.CreateSymbolicLink(toFile, file);
        using var stream = InputFile.OpenRead(toFile);
        Assert.Equal(1, stream.Length);
    }

    [Theory]
    [InlineData("1e7")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("ten")]
    public void An_unusable_download_timeout_is_EnvironmentVariableInvalid_naming_the_variable(string value)
    {
        var error = Assert.Throws<MnistException>(() =>
            EnvironmentSettings.Timeout(MnistDownloader.TimeoutVariable, name => name == MnistDownloader.TimeoutVariable ? value : null));
        Assert.Equal("EnvironmentVariableInvalid", error.ErrorId);
        Assert.Equal(MnistDownloader.TimeoutVariable, error.Target);
        Assert.Contains("$env:MNIST_DOWNLOAD_TIMEOUT", error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void A_usable_download_timeout_is_taken_and_an_unset_one_is_30_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(2.5), EnvironmentSettings.Timeout("T", _ => "2.5"));
        Assert.Equal(TimeSpan.FromSeconds(30), EnvironmentSettings.Timeout("T", _ => null));
    }

    [Theory]
    [InlineData(MnistFiles.CacheVariable)]
    [InlineData(RuntimeLocation.HomeVariable)]
    public void A_folder_variable_naming_a_file_a_FIFO_or_holding_a_NUL_is_EnvironmentVariableInvalid(string variable)
    {
        var folder = TempFolder();
        var file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "x");
        var values = new List<string> { file, "bad\0name", new string('n', 300) };
        if (OperatingSystem.IsLinux()) values.Add(MakeFifo(folder, "pipe"));
        foreach (var value in values)
        {
            var error = Assert.Throws<MnistException>(() => EnvironmentSettings.Folder(variable, folder, name => name == variable ? value : null));
            Assert.Equal("EnvironmentVariableInvalid", error.ErrorId);
            Assert.Equal(variable, error.Target);
            Assert.Contains("$env:" + variable, error.Message);
        }
    }

    [Fact]
    public void A_relative_folder_variable_resolves_against_the_given_base_folder_not_the_process_folder()
    {
        var current = TempFolder();
        Assert.Equal(Path.Combine(current, "runtime"), EnvironmentSettings.Folder(RuntimeLocation.HomeVariable, current, _ => "runtime"));
        Assert.Equal(Path.Combine(current, "data", "mnist"), EnvironmentSettings.Folder(MnistFiles.CacheVariable, current, _ => "data/mnist"));
        Assert.Null(EnvironmentSettings.Folder(MnistFiles.CacheVariable, current, _ => "  "));
    }

    [Fact]
    public void A_name_at_the_platforms_limit_is_written_and_one_beyond_it_is_PathTooLong()
    {
        var folder = TempFolder();
        var longest = Path.Combine(folder, new string('m', PathChecks.MaxNameLength - 6) + ".mnist");
        AtomicFile.Write(longest, stream => stream.Write("ok"u8), overwrite: false);
        Assert.Equal("ok", File.ReadAllText(longest));
        // Replaced too, and no temporary file is left beside it.
        AtomicFile.Write(longest, stream => stream.Write("again"u8), overwrite: true);
        Assert.Equal("again", File.ReadAllText(longest));
        Assert.Single(Directory.GetFileSystemEntries(folder));

        // Multi-byte characters count as the file system counts them (UTF-8 bytes on Linux and macOS).
        var accented = Path.Combine(folder, new string('é', 120) + ".png");
        AtomicFile.Write(accented, stream => stream.Write("é"u8), overwrite: false);
        Assert.True(File.Exists(accented));

        var tooLong = Path.Combine(folder, new string('m', PathChecks.MaxNameLength + 1));
        var error = Assert.Throws<MnistException>(() => AtomicFile.Write(tooLong, stream => stream.Write("x"u8), overwrite: false));
        Assert.Equal("PathTooLong", error.ErrorId);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void A_stale_temporary_of_a_long_name_is_still_recognised_and_removed()
    {
        var folder = TempFolder();
        var target = Path.Combine(folder, new string('x', 240) + ".mnist");
        var stale = AtomicFile.TemporaryPathFor(target).Replace($".{Environment.ProcessId}.", ".999999999.");
        File.WriteAllText(stale, "left by a killed writer");
        Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(stale)) <= PathChecks.MaxNameLength);
        AtomicFile.RemoveStaleTemporaries(target);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void A_path_with_a_NUL_is_PathHasNul_for_readers_and_writers()
    {
        var path = Path.Combine(TempFolder(), "bad\0name.png");
        Assert.Equal("PathHasNul", Assert.Throws<MnistException>(() => DigitImageFile.Prepare(path)).ErrorId);
        Assert.Equal("PathHasNul", Assert.Throws<MnistException>(() => InputFile.OpenRead(path)).ErrorId);
        var error = Assert.Throws<MnistException>(() => AtomicFile.Write(path, _ => { }, overwrite: true));
        Assert.Equal("PathHasNul", error.ErrorId);
        Assert.Contains("bad␀name.png", error.Message);
    }

    [Fact]
    public void Names_with_escape_sequences_are_shown_with_visible_stand_ins()
    {
        Assert.Equal("evil␛]0;owned␇name", SafeText.Of("evil\u001b]0;owned\u0007name"));
        Assert.Equal("a␀b␡c\uFFFDd\uFFFDe", SafeText.Of("a\0b\u007fc\u009bd\u202ee"));
        Assert.Equal("Ankle boot", SafeText.Of("Ankle boot"));
        Assert.Equal("", SafeText.Of(null));
    }

    [Fact]
    public void A_sample_whose_class_name_carries_an_escape_sequence_renders_without_it()
    {
        var sample = new MnistSample("train", 0, 0, new[] { "zero\u001b[2J\u001b[31m" }, 28, 28, new byte[784]);
        Assert.DoesNotContain('\u001b', sample.ToString());
        var text = string.Join("\n", TerminalRenderer.Render(new[] { ImageTile.From(sample) }, TerminalStyle.Ascii, 1));
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("zero␛[2J", text);
    }
}
