# The README is the front door: short, its two commands as they are, and every link into docs/ alive.
BeforeDiscovery {
    $root = (Resolve-Path "$PSScriptRoot/../..").Path
    $pages = @(Get-Item "$root/README.md") + @(Get-ChildItem "$root/docs" -Filter *.md)
    $script:links = @(foreach ($page in $pages) {
        $text = Get-Content $page.FullName -Raw
        # Inline links [text](target) outside code blocks; absolute URLs are not ours to check here.
        $prose = [regex]::Replace($text, '(?ms)^```.*?^```', '')
        foreach ($match in [regex]::Matches($prose, '\]\(([^)\s]+)\)')) {
            $target = $match.Groups[1].Value
            if ($target -match '^[a-z]+:') { continue }
            @{ Page = [IO.Path]::GetRelativePath($root, $page.FullName); Target = $target; Folder = $page.DirectoryName }
        }
    }) | Sort-Object { "$($_.Page) $($_.Target)" } -Unique
    $script:docPages = Get-ChildItem "$root/docs" -Filter *.md | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    $script:root = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:readme = Get-Content "$root/README.md" -Raw

    # GitHub's anchor for a heading: lower case, punctuation other than '-' dropped, spaces made '-'.
    function Get-HeadingAnchor([string] $file) {
        $text = [regex]::Replace((Get-Content $file -Raw), '(?ms)^```.*?^```', '')
        foreach ($heading in [regex]::Matches($text, '(?m)^#{1,6}\s+(.+?)\s*$')) {
            ($heading.Groups[1].Value.ToLowerInvariant() -replace '[^\p{L}\p{Nd}\s_-]', '') -replace '\s', '-'
        }
    }
}

Describe 'README.md' {
    It 'keeps to what a newcomer needs, in about 150 lines' {
        @(Get-Content "$root/README.md").Count | Should -BeLessOrEqual 170
    }

    It 'shows the two commands exactly' {
        $readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 Demo'))
        $readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 Test'))
    }

    It 'links to docs/<Name>' -TestCases $docPages {
        $readme | Should -Match ([regex]::Escape("(docs/$Name"))
    }

    It 'quotes ConvertTo-OneHot''s output as the module prints it' {
        . "$PSScriptRoot/Common.ps1"
        Import-Module $ModuleManifest
        $quote = [regex]::Match($readme, '`(\(5 \\\| ConvertTo-OneHot\) -join '' '')` gives `([^`]+)`')
        $quote.Success | Should -BeTrue
        $printed = Invoke-Expression ($quote.Groups[1].Value -replace '\\\|', '|')
        $printed | Should -Be $quote.Groups[2].Value
    }

    It 'keeps no dated bench runs (their history is in git)' {
        $readme | Should -Not -Match '\b\d{1,2}:\d{2} (UTC )?run\b'
    }
}

Describe 'Links in the README and docs/' {
    It 'finds links to check' {
        $links.Count | Should -BeGreaterThan 10
    }

    It '<Page> -> <Target> leads to a file and heading that exist' -TestCases $links {
        $file, $anchor = $Target -split '#', 2
        $path = if ($file) { Join-Path $Folder $file } else { Join-Path $root $Page }
        $path | Should -Exist
        if ($anchor) { Get-HeadingAnchor $path | Should -Contain $anchor }
    }
}

Describe 'about_Mnist' {
    BeforeAll {
        . "$PSScriptRoot/Common.ps1"
        $script:docsShipped = Join-Path (Split-Path $ModuleManifest) 'docs'
        $script:about = Get-Content "$root/module/help/about_Mnist.help.txt" -Raw
    }

    It 'is a short tour like the README, in about 150 lines' {
        @(Get-Content "$root/module/help/about_Mnist.help.txt").Count | Should -BeLessOrEqual 170
    }

    It 'names only docs pages that ship with the module' {
        $named = @([regex]::Matches($about, 'docs/([\w-]+\.md)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        $named.Count | Should -BeGreaterThan 3
        foreach ($name in $named) { Join-Path $docsShipped $name | Should -Exist }
    }
}
