using System.Diagnostics;
using System.Text;
using Mnist.Core.Persistence;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Writers: refuse-without-Force holds under races, only regular files are replaced, killed writes leave nothing for long.</summary>
public class AtomicWriteTests
{
    private static string TempFolder() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-write-" + Guid.NewGuid().ToString("N"))).FullName;

    private static void WriteText(string path, string text, bool overwrite) =>
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)), overwrite);

    [Fact]
    public void A_target_another_writer_creates_while_this_one_writes_is_not_replaced_without_force()
    {
        var path = Path.Combine(TempFolder(), "model.mnist");
        var error = Assert.Throws<MnistException>(() => AtomicFile.Write(path, stream =>
        {
            File.WriteAllText(path, "the other writer's model"); // wins the race after the existence check
            stream.Write(Encoding.UTF8.GetBytes("this writer's model"));
        }, overwrite: false));
        Assert.Equal("FileExists", error.ErrorId);
        Assert.Equal("the other writer's model", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Of_many_writers_racing_for_each_new_path_exactly_one_succeeds()
    {
        var folder = TempFolder();
        var wins = new int[40];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, writer =>
        {
            for (int target = 0; target < wins.Length; target++)
            {
                try
                {
                    WriteText(Path.Combine(folder, $"{target}.mnist"), $"writer {writer}", overwrite: false);
                    Interlocked.Increment(ref wins[target]);
                }
                catch (MnistException e) when (e.ErrorId == "FileExists")
                {
                }
            }
        });
        Assert.All(wins, count => Assert.Equal(1, count));
        Assert.Equal(wins.Length, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public void A_temporary_file_of_a_killed_writer_is_removed_by_the_next_write_to_that_target()
    {
        var folder = TempFolder();
        var path = Path.Combine(folder, "model.mnist");
        int deadPid = DeadProcessId();
        var stale = Path.Combine(folder, $".model.mnist.{deadPid}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        var live = Path.Combine(folder, $".model.mnist.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        var otherTarget = Path.Combine(folder, $".other.mnist.{deadPid}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        foreach (var file in new[] { stale, live, otherTarget }) File.WriteAllText(file, "half a model");
        WriteText(path, "model", overwrite: false);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live), "a write in progress in a running process is left alone");
        Assert.True(File.Exists(otherTarget), "only temporaries of the same target are touched");
    }

    [Fact]
    public void A_fifo_is_never_replaced_even_with_force()
    {
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(TempFolder(), "pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        foreach (var overwrite in new[] { true, false })
        {
            var error = Assert.Throws<MnistException>(() => WriteText(fifo, "model", overwrite));
            Assert.Equal("TargetNotAFile", error.ErrorId);
            Assert.Equal(fifo, error.Target);
        }
        Assert.Equal(FileKind.Other, FileSystemNative.KindOf(fifo));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(fifo)!));
    }

    [Theory]
    [InlineData("folder", "PathIsFolder")]
    [InlineData("trailing/", "PathIsFolder")]
    [InlineData("missing/model.mnist", "FolderNotFound")]
    public void A_target_that_cannot_be_a_file_is_refused_before_any_work(string relative, string errorId)
    {
        var folder = TempFolder();
        Directory.CreateDirectory(Path.Combine(folder, "folder"));
        var path = Path.Combine(folder, relative);
        bool worked = false;
        var error = Assert.Throws<MnistException>(() => AtomicFile.Write(path, _ => worked = true, overwrite: true));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.False(worked);
    }

    [Fact]
    public void A_folder_that_cannot_be_written_to_is_refused_before_any_work()
    {
        string folder;
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
        {
            if (!OperatingSystem.IsLinux()) return;
            folder = "/proc/self"; // root may write anywhere on disk, but nothing can be created here
        }
        else
        {
            if (OperatingSystem.IsWindows()) return;
            folder = TempFolder();
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        bool worked = false;
        var error = Assert.Throws<MnistException>(() => AtomicFile.Write(Path.Combine(folder, "model.mnist"), _ => worked = true, overwrite: false));
        Assert.Equal("FolderNotWritable", error.ErrorId);
        Assert.False(worked);
    }

    [Fact]
    public void Force_replaces_a_regular_file()
    {
        var path = Path.Combine(TempFolder(), "model.mnist");
        WriteText(path, "old", overwrite: false);
        WriteText(path, "new", overwrite: true);
        Assert.Equal("new", File.ReadAllText(path));
    }

    private static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }
}
