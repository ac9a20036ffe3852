<#
.SYNOPSIS
    Loads the tools-only code (out/tools/Mnist.Tools.dll: picture-set drawing, layer profiler, arithmetic floor meter)
    beside the imported Mnist module, for the scripts in tools/ and bench/.
.DESCRIPTION
    The module keeps Mnist.Core in a load context of its own; Mnist.Tools is loaded into that same context, so its
    types take the module's models and data as they are. Import the module first. Loading twice is harmless.
#>
[CmdletBinding()]
param([string] $ToolsAssembly = "$PSScriptRoot/../out/tools/Mnist.Tools.dll")

$ErrorActionPreference = 'Stop'
$core = [Mnist.Core.Modeling.MnistModel].Assembly
$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core)
$tools = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Mnist.Tools' }
if (-not $tools) {
    if (-not (Test-Path $ToolsAssembly)) { throw "Mnist.Tools.dll is not at '$ToolsAssembly': run ./build.ps1 Build first." }
    $tools = $context.LoadFromAssemblyPath((Resolve-Path $ToolsAssembly).Path)
}
# PowerShell's type literals do not see an assembly loaded into another context after start: name each public type.
$accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
foreach ($type in $tools.GetExportedTypes()) {
    if (-not $accelerators::Get.ContainsKey($type.FullName)) { $accelerators::Add($type.FullName, $type) }
}
