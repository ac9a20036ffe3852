using System.Diagnostics;
using System.Text.Json;

namespace Mnist.Cmdlets.Infrastructure;

/// <summary>
/// The command line of a trial's process: this PowerShell (pwsh, or dotnet running pwsh.dll as a dotnet tool)
/// running the module's Mnist.Trial.ps1, here or, with a host name, as the courier of a trial on another machine.
/// </summary>
internal sealed class TrialLauncher
{
    private readonly string _script;

    public TrialLauncher(string moduleFolder) => _script = Path.Combine(moduleFolder, "Mnist.Trial.ps1");

    public ProcessStartInfo Local(string trialPath) => Command(trialPath);

    public ProcessStartInfo Remote(string trialPath, RemoteMachine machine)
    {
        var info = Command(trialPath);
        info.ArgumentList.Add("-HostName");
        info.ArgumentList.Add(machine.HostName);
        if (machine.UserName is { } user) { info.ArgumentList.Add("-UserName"); info.ArgumentList.Add(user); }
        if (machine.KeyFilePath is { } key) { info.ArgumentList.Add("-KeyFilePath"); info.ArgumentList.Add(key); }
        if (machine.Port is int port) { info.ArgumentList.Add("-Port"); info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        if (machine.Options is { Count: > 0 } options) { info.ArgumentList.Add("-SSHOptionsJson"); info.ArgumentList.Add(JsonSerializer.Serialize(options)); }
        return info;
    }

    private ProcessStartInfo Command(string trialPath)
    {
        var (program, prefix) = ThisPowerShell();
        var info = new ProcessStartInfo(program) { WorkingDirectory = trialPath };
        foreach (var argument in prefix.Concat(new[] { "-NoProfile", "-NonInteractive", "-NoLogo", "-File", _script, "-TrialPath", trialPath }))
            info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>The executable running this session, and the pwsh.dll it was given when that is the dotnet host.</summary>
    private static (string Program, string[] Prefix) ThisPowerShell()
    {
        var process = Environment.ProcessPath ?? "pwsh";
        var name = Path.GetFileNameWithoutExtension(process);
        if (name.Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var dll = Environment.GetCommandLineArgs()[0];
            return (process, new[] { dll });
        }
        return (process, Array.Empty<string>());
    }
}

/// <summary>A machine trials are sent to, and how to reach it (as Invoke-Command -HostName takes it).</summary>
internal sealed record RemoteMachine(string HostName, string? UserName, string? KeyFilePath, int? Port, IReadOnlyDictionary<string, string>? Options);
