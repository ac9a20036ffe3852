<#
.SYNOPSIS
    Writes the module's MAML help (en-US/MnistCmdlets.dll-Help.xml) and about_Mnist from module/help.
.DESCRIPTION
    Each exported cmdlet has one help source, module/help/<Verb-Noun>.psd1 (Synopsis, Description, Parameters,
    Inputs, Outputs, Examples, optional Notes, Links and Defaults; an example may say NotRunByTests = 'why' when
    Help.Tests.ps1 should not run it). Parameter metadata (type, mandatory, position,
    pipeline input, aliases, parameter sets, ValidateSet values) comes from Get-Command on the built module, so
    the help cannot drift from the code. Fails when a cmdlet has no source, a parameter is undocumented, a
    source documents a parameter that does not exist, or a cmdlet has fewer than two examples.
    Run it in a fresh pwsh: it imports the built module, and binary modules cannot be unloaded.
.EXAMPLE
    dotnet pwsh -NoProfile -File tools/Build-Help.ps1 -ModuleFolder out/Mnist
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$sourceFolder = Join-Path $PSScriptRoot '../module/help'
$ModuleFolder = (Resolve-Path $ModuleFolder).Path
$module = Import-Module (Join-Path $ModuleFolder 'Mnist.psd1') -PassThru -Force

# WhatIf and Confirm are not in PSCmdlet.CommonParameters but every user knows them; their text is the same everywhere.
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters

$mamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$devNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Test-HelpSource([System.Management.Automation.CmdletInfo] $Command, [hashtable] $Source) {
    $problems = [System.Collections.Generic.List[string]]::new()
    foreach ($key in 'Synopsis', 'Description', 'Parameters', 'Examples') {
        if (-not $Source[$key]) { $problems.Add("$($Command.Name): '$key' is missing or empty.") }
    }
    $documented = if ($Source['Parameters']) { $Source.Parameters } else { @{} }
    foreach ($name in @(Get-DocumentedParameter $Command | ForEach-Object Name)) {
        if (-not $documented[$name] -and -not $shouldProcessText[$name]) { $problems.Add("$($Command.Name): parameter -$name has no description.") }
    }
    foreach ($name in $documented.Keys) {
        if (-not $Command.Parameters.ContainsKey($name)) { $problems.Add("$($Command.Name): documents -$name, which the cmdlet does not have.") }
    }
    if (@($Source['Examples']).Count -lt 2) { $problems.Add("$($Command.Name): needs at least two examples.") }
    foreach ($example in @($Source['Examples'])) {
        if (-not $example.Code -or -not $example.Remarks) { $problems.Add("$($Command.Name): every example needs Code and Remarks.") }
    }
    $problems
}

# The parameters a user sets, in the order Get-Command shows them: positional first, then mandatory, then the rest.
function Get-DocumentedParameter([System.Management.Automation.CmdletInfo] $Command, [string] $SetName) {
    $sets = if ($SetName) { $Command.ParameterSets | Where-Object Name -EQ $SetName } else { $Command.ParameterSets }
    $seen = @{}
    foreach ($set in $sets) {
        $ordered = $set.Parameters | Where-Object { $_.Name -notin $commonParameters } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } } -Stable
        foreach ($parameter in $ordered) {
            if ($SetName -or -not $seen[$parameter.Name]) { $seen[$parameter.Name] = $true; $parameter }
        }
    }
}

function Add-Element([System.Xml.XmlNode] $Parent, [string] $QualifiedName, [string] $Text) {
    $prefix = $QualifiedName.Split(':')[0]
    $ns = @{ maml = $mamlNs; command = $commandNs; dev = $devNs }[$prefix]
    $element = $Parent.OwnerDocument.CreateElement($QualifiedName, $ns)
    if ($null -ne $Text -and $Text -ne '') { $element.InnerText = $Text }
    $Parent.AppendChild($element)
}

function Add-Paragraphs([System.Xml.XmlNode] $Parent, [string] $QualifiedName, [string] $Text) {
    $description = Add-Element $Parent $QualifiedName
    foreach ($paragraph in ($Text -split '\r?\n\s*\r?\n')) {
        [void](Add-Element $description 'maml:para' (($paragraph -split '\r?\n' | ForEach-Object Trim) -join ' '))
    }
    $description
}

function Get-PipelineText([System.Management.Automation.CommandParameterInfo[]] $Instances) {
    $kinds = @()
    if ($Instances | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Instances | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-DefaultText([System.Management.Automation.CmdletInfo] $Command, [string] $Name, [hashtable] $Source) {
    if ($Source['Defaults'] -and $Source.Defaults[$Name]) { return $Source.Defaults[$Name] }
    if ($shouldProcessText[$Name]) { return 'False' }
    $property = $Command.ImplementingType.GetProperty($Name)
    if (-not $property) { return 'None' }
    $value = $property.GetValue([Activator]::CreateInstance($Command.ImplementingType))
    if ($null -eq $value -or ($value -is [array] -and $value.Count -eq 0) -or "$value" -eq '') { return 'None' }
    if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
    # A property's initial value outside the parameter's own range is a marker for "decided later", not a default
    # a user could type: the help source must say in Defaults what happens instead.
    $range = $Command.Parameters[$Name].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
    foreach ($item in @($value)) {
        if ($range -and $null -ne $range.MinRange -and ($item -lt $range.MinRange -or $item -gt $range.MaxRange)) {
            throw "$($Command.Name): -$Name starts at $item, outside its range $($range.MinRange)..$($range.MaxRange); say its default in the help source's Defaults."
        }
    }
    (@($value) | ForEach-Object { [string]::Format([cultureinfo]::InvariantCulture, '{0}', $_) }) -join ', '
}

function Add-Parameter([System.Xml.XmlNode] $Parent, [System.Management.Automation.CmdletInfo] $Command,
    [System.Management.Automation.CommandParameterInfo[]] $Instances, [hashtable] $Source) {
    $first = $Instances[0]
    $name = $first.Name
    $metadata = $Command.Parameters[$name]
    $type = $metadata.ParameterType
    if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    $position = if ($first.Position -ge 0) { "$($first.Position)" } else { 'named' }
    $aliases = if ($metadata.Aliases.Count) { $metadata.Aliases -join ', ' } else { 'none' }

    $element = Add-Element $Parent 'command:parameter'
    $element.SetAttribute('required', "$([bool]($Instances | Where-Object IsMandatory))".ToLowerInvariant())
    $element.SetAttribute('variableLength', "$($type.IsArray)".ToLowerInvariant())
    $element.SetAttribute('globbing', 'false')
    $element.SetAttribute('pipelineInput', (Get-PipelineText $Instances))
    $element.SetAttribute('position', $position)
    $element.SetAttribute('aliases', $aliases)
    [void](Add-Element $element 'maml:name' $name)
    $text = if ($Source.Parameters[$name]) { $Source.Parameters[$name] } else { $shouldProcessText[$name] }
    [void](Add-Paragraphs $element 'maml:description' $text)

    $validValues = $metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues
    if (-not $validValues -and $type.IsEnum) { $validValues = [enum]::GetNames($type) }
    if ($validValues) {
        $group = Add-Element $element 'command:parameterValueGroup'
        foreach ($value in $validValues) {
            $item = Add-Element $group 'command:parameterValue' $value
            $item.SetAttribute('required', 'false')
            $item.SetAttribute('variableLength', 'false')
        }
    }
    if (-not $isSwitch) {
        $value = Add-Element $element 'command:parameterValue' $type.Name
        $value.SetAttribute('required', 'true')
        $value.SetAttribute('variableLength', "$($type.IsArray)".ToLowerInvariant())
    }
    $devType = Add-Element $element 'dev:type'
    [void](Add-Element $devType 'maml:name' $type.FullName)
    [void](Add-Element $devType 'maml:uri')
    [void](Add-Element $element 'dev:defaultValue' (Get-DefaultText $Command $name $Source))
}

function Add-TypeList([System.Xml.XmlNode] $Parent, [string] $ListName, [string] $ItemName, [string[]] $Entries) {
    $list = Add-Element $Parent $ListName
    foreach ($entry in $Entries) {
        $typeName, $text = $entry -split ':\s+', 2
        $item = Add-Element $list $ItemName
        $devType = Add-Element $item 'dev:type'
        [void](Add-Element $devType 'maml:name' $typeName.Trim())
        [void](Add-Paragraphs $item 'maml:description' $(if ($text) { $text } else { ' ' }))
    }
}

function Add-Command([System.Xml.XmlNode] $Parent, [System.Management.Automation.CmdletInfo] $Command, [hashtable] $Source) {
    $element = Add-Element $Parent 'command:command'
    $details = Add-Element $element 'command:details'
    [void](Add-Element $details 'command:name' $Command.Name)
    [void](Add-Element $details 'command:verb' $Command.Verb)
    [void](Add-Element $details 'command:noun' $Command.Noun)
    [void](Add-Paragraphs $details 'maml:description' $Source.Synopsis)
    [void](Add-Paragraphs $element 'maml:description' $Source.Description)

    $syntax = Add-Element $element 'command:syntax'
    foreach ($set in $Command.ParameterSets) {
        $item = Add-Element $syntax 'command:syntaxItem'
        [void](Add-Element $item 'maml:name' $Command.Name)
        foreach ($parameter in Get-DocumentedParameter $Command $set.Name) { Add-Parameter $item $Command @($parameter) $Source }
    }

    $parameters = Add-Element $element 'command:parameters'
    foreach ($parameter in Get-DocumentedParameter $Command) {
        $instances = @($Command.ParameterSets.Parameters | Where-Object Name -EQ $parameter.Name)
        Add-Parameter $parameters $Command $instances $Source
    }

    Add-TypeList $element 'command:inputTypes' 'command:inputType' @($Source['Inputs'] | Where-Object { $_ })
    Add-TypeList $element 'command:returnValues' 'command:returnValue' @($Source['Outputs'] | Where-Object { $_ })
    if ($Source['Notes']) {
        $alert = Add-Element (Add-Element $element 'maml:alertSet') 'maml:alert'
        foreach ($paragraph in ($Source.Notes -split '\r?\n\s*\r?\n')) { [void](Add-Element $alert 'maml:para' $paragraph.Trim()) }
    }

    $examples = Add-Element $element 'command:examples'
    $number = 0
    foreach ($example in $Source.Examples) {
        $number++
        $item = Add-Element $examples 'command:example'
        [void](Add-Element $item 'maml:title' "-------------------------- Example $number --------------------------")
        [void](Add-Element $item 'dev:code' $example.Code.Trim())
        [void](Add-Paragraphs $item 'dev:remarks' $example.Remarks)
    }

    $links = Add-Element $element 'command:relatedLinks'
    foreach ($topic in @('about_Mnist') + @($Source['Links'] | Where-Object { $_ })) {
        $link = Add-Element $links 'maml:navigationLink'
        [void](Add-Element $link 'maml:linkText' $topic)
        [void](Add-Element $link 'maml:uri')
    }
}

$document = [System.Xml.XmlDocument]::new()
[void]$document.AppendChild($document.CreateXmlDeclaration('1.0', 'utf-8', $null))
$root = $document.CreateElement('helpItems', 'http://msh')
$root.SetAttribute('schema', 'maml')
foreach ($ns in @{ maml = $mamlNs; command = $commandNs; dev = $devNs }.GetEnumerator()) {
    $declaration = $document.CreateAttribute('xmlns', $ns.Key, 'http://www.w3.org/2000/xmlns/')
    $declaration.Value = $ns.Value
    [void]$root.Attributes.Append($declaration)
}
[void]$document.AppendChild($root)

$problems = [System.Collections.Generic.List[string]]::new()
$commands = Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name
foreach ($command in $commands) {
    $sourcePath = Join-Path $sourceFolder "$($command.Name).psd1"
    if (-not (Test-Path $sourcePath)) { $problems.Add("$($command.Name): no help source at module/help/$($command.Name).psd1."); continue }
    $source = Import-PowerShellDataFile $sourcePath
    $found = @(Test-HelpSource $command $source)
    if ($found) { $problems.AddRange([string[]]$found); continue }
    Add-Command $root $command $source
}
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }

$culture = Join-Path $ModuleFolder 'en-US'
New-Item -ItemType Directory $culture -Force | Out-Null
$helpFile = Join-Path $culture 'MnistCmdlets.dll-Help.xml'
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try { $document.Save($writer) } finally { $writer.Dispose() }
Copy-Item (Join-Path $sourceFolder 'about_Mnist.help.txt') $culture -Force
Write-Host "Help for $(@($commands).Count) cmdlets: $helpFile"
