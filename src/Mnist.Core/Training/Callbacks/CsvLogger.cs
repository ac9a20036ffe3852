using System.Globalization;
using System.Text;
using Mnist.Core.Persistence;

namespace Mnist.Core.Training.Callbacks;

/// <summary>
/// Keras' CSVLogger: one row per epoch (epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds), appended and
/// flushed to disk as each epoch ends, so the file can be read while the run goes on. A resumed run (-BackupPath)
/// keeps the rows of the epochs its backup holds and appends; a new run refuses an existing file unless told to
/// overwrite it.
/// </summary>
public sealed class CsvLogger : ITrainingCallback
{
    public const string Header = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds";

    public CsvLogger(string path, bool overwrite = false)
    {
        Path = System.IO.Path.GetFullPath(path);
        Overwrite = overwrite;
    }

    public string Path { get; }
    public bool Overwrite { get; }

    /// <summary>Before the first epoch: a new log (header only, written atomically), or a resumed one cut back to the backup's epochs.</summary>
    public void OnTrainBegin(TrainingContext context)
    {
        if (context.ResumedAfterEpoch is int last && File.Exists(Path))
        {
            // Rows of epochs after the backup's last (written before a kill, then redone) are dropped, so none appears twice.
            var kept = File.ReadLines(Path).Where((line, i) => i == 0 || (EpochOf(line) is int epoch && epoch <= last)).ToList();
            if (kept.Count == 0 || kept[0] != Header)
                throw new MnistException("LogFileInvalid", MnistErrorKind.InvalidData,
                    $"-LogPath '{Path}' is not a training log (its first line is not '{Header}'); the resumed run cannot append to it.", Path);
            AtomicFile.Write(Path, stream => Write(stream, string.Join('\n', kept) + "\n"), overwrite: true);
            return;
        }
        AtomicFile.Write(Path, stream => Write(stream, Header + "\n"), Overwrite || context.ResumedAfterEpoch is not null);
    }

    public void OnEpochEnd(TrainingContext context, EpochRecord record)
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        Write(stream, Row(record) + "\n");
        stream.Flush(flushToDisk: true);
    }

    public static string Row(EpochRecord r) => string.Join(',',
        Text(r.Epoch), Text(r.Loss), Text(r.Accuracy), Text(r.ValLoss), Text(r.ValAccuracy), Text(r.LearningRate), Text(r.Seconds));

    private static int? EpochOf(string line) =>
        int.TryParse(line.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch) ? epoch : null;

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
