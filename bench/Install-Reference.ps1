<#
.SYNOPSIS
    Makes sure the PyTorch reference runs as the benches assume: Debian's python3-torch with OpenBLAS (dot-sourced).
.DESCRIPTION
    Debian's python3-torch takes its BLAS from the libblas.so.3 alternative. Without libopenblas0-pthread that is the
    reference BLAS, and PyTorch's dense layers run 5-10x slower than they do with OpenBLAS: a comparison against it
    flatters the module. Install-Reference installs both with apt when either is missing, and refuses to go on when
    the alternative still does not point at OpenBLAS.
#>

function Install-Reference([string] $Python = '/usr/bin/python3') {
    & $Python -c 'import torch, numpy' 2>$null
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path /usr/lib/x86_64-linux-gnu/openblas-pthread)) {
        Write-Host 'Installing the PyTorch reference (python3-torch, libopenblas0-pthread) with apt...'
        & apt-get update -qq | Out-Null
        & apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'apt-get could not install python3-torch and libopenblas0-pthread.' }
    }
    $blas = (Get-Item /usr/lib/x86_64-linux-gnu/libblas.so.3 -ErrorAction SilentlyContinue).ResolvedTarget
    if ($blas -and $blas -notmatch 'openblas') {
        throw "libblas.so.3 points at $blas, not OpenBLAS: PyTorch's side would run on the reference BLAS (update-alternatives --config libblas.so.3-x86_64-linux-gnu)."
    }
}
