# An SSH server for remoting specs: Debian's sshd bound to 127.0.0.1 only, on a free port, with a host key and a
# client key made for the test, and PowerShell (this one, with the built module on its module path) as its
# "powershell" subsystem. Start-LoopbackSshServer returns what Invoke-Command -HostName needs; Stop-LoopbackSshServer
# ends it and removes its folder. Returns $null when sshd or ssh-keygen is not installed (the specs then skip).

function Start-LoopbackSshServer {
    param([Parameter(Mandatory)] [string] $ModuleFolder, [hashtable] $Environment = @{})
    $sshd = @('/usr/sbin/sshd', (Get-Command sshd -ErrorAction Ignore).Source) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    $keygen = (Get-Command ssh-keygen -ErrorAction Ignore).Source
    if (-not $sshd -or -not $keygen -or -not (Get-Command ssh -ErrorAction Ignore) -or $IsWindows) { return $null }

    $folder = Join-Path ([IO.Path]::GetTempPath()) "mnist-sshd-$PID-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $folder
    & $keygen -q -t ed25519 -N '' -f (Join-Path $folder 'host_key') | Out-Null
    & $keygen -q -t ed25519 -N '' -f (Join-Path $folder 'client_key') | Out-Null
    Copy-Item (Join-Path $folder 'client_key.pub') (Join-Path $folder 'authorized_keys')
    chmod 600 (Join-Path $folder 'client_key') (Join-Path $folder 'host_key') (Join-Path $folder 'authorized_keys')

    # This PowerShell as the subsystem: dotnet running pwsh.dll when it is a dotnet tool, else pwsh itself.
    $program = [Environment]::ProcessPath
    $powershell = if ([IO.Path]::GetFileNameWithoutExtension($program) -eq 'dotnet') { "'$program' '$([Environment]::GetCommandLineArgs()[0])'" } else { "'$program'" }
    $exports = @{ PSModulePath = "$ModuleFolder$([IO.Path]::PathSeparator)$env:PSModulePath"; DOTNET_ROOT = $env:DOTNET_ROOT; HOME = $HOME } + $Environment
    $subsystem = Join-Path $folder 'powershell-subsystem.sh'
    $lines = @('#!/bin/sh') + ($exports.GetEnumerator() | Where-Object Value | ForEach-Object { "export $($_.Key)='$($_.Value)'" }) + "exec $powershell -sshs -NoLogo -NoProfile"
    Set-Content -LiteralPath $subsystem -Value $lines
    chmod 755 $subsystem

    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $config = Join-Path $folder 'sshd_config'
    Set-Content -LiteralPath $config -Value @(
        "Port $port", 'ListenAddress 127.0.0.1', "HostKey $folder/host_key", "AuthorizedKeysFile $folder/authorized_keys",
        'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password',
        "PidFile $folder/sshd.pid", "Subsystem powershell $subsystem", 'LogLevel ERROR')
    if ((id -u) -eq '0') { $null = New-Item -ItemType Directory -Force -Path /run/sshd }
    $process = Start-Process -FilePath $sshd -ArgumentList '-D', '-e', '-f', $config -PassThru -RedirectStandardError (Join-Path $folder 'sshd.log')
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $client.Dispose(); break } catch { Start-Sleep -Milliseconds 100 }
        if ($process.HasExited) { throw "sshd ended at once: $(Get-Content (Join-Path $folder 'sshd.log') -Raw)" }
    }
    [pscustomobject]@{
        Process     = $process
        Folder      = $folder
        Port        = $port
        UserName    = [Environment]::UserName
        KeyFilePath = Join-Path $folder 'client_key'
        # The host key is made by the test, so there is nothing to check it against; nothing is written to known_hosts.
        Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
}

function Stop-LoopbackSshServer {
    param($Server)
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) { $Server.Process.Kill($true); $Server.Process.WaitForExit(10000) | Out-Null }
    Remove-Item -LiteralPath $Server.Folder -Recurse -Force -ErrorAction Ignore
}
