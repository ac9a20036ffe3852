# Picture files made in the tests from MNIST digits, written with the module's own SkiaSharp (dot-source after
# Common.ps1 has imported the module and Use-ModuleAssembly SkiaSharp has run).

# An MNIST digit (784 bytes, ink bright) drawn black on white paper, scaled up and placed off centre.
function Write-DigitPicture {
    param([byte[]] $Pixels, [string] $Path, [int] $Size = 200, [int] $Scale = 5, [int] $Left = 10, [int] $Top = 50,
        [ValidateSet('Png', 'Jpeg')] [string] $Format = 'Png')
    $digit = [SkiaSharp.SKBitmap]::new(28, 28, [SkiaSharp.SKColorType]::Gray8, [SkiaSharp.SKAlphaType]::Opaque)
    $paper = [byte[]]::new(784)
    for ($i = 0; $i -lt 784; $i++) { $paper[$i] = 255 - $Pixels[$i] }
    [System.Runtime.InteropServices.Marshal]::Copy($paper, 0, $digit.GetPixels(), 784)
    $page = [SkiaSharp.SKBitmap]::new($Size, $Size)
    $canvas = [SkiaSharp.SKCanvas]::new($page)
    $canvas.Clear([SkiaSharp.SKColors]::White)
    $image = [SkiaSharp.SKImage]::FromBitmap($digit)
    $sampling = [SkiaSharp.SKSamplingOptions]::new([SkiaSharp.SKFilterMode]::Linear)
    $canvas.DrawImage($image, [SkiaSharp.SKRect]::Create($Left, $Top, 28 * $Scale, 28 * $Scale), $sampling, $null)
    $canvas.Dispose()
    $data = $page.Encode([SkiaSharp.SKEncodedImageFormat]::$Format, 95)
    [System.IO.File]::WriteAllBytes($Path, $data.ToArray())
    $data.Dispose(); $image.Dispose(); $page.Dispose(); $digit.Dispose()
}

# An image's pixels (28x28, MNIST's bright ink on black) as an 8-bit grayscale PNG, byte for byte.
function Write-GrayPng {
    param([byte[]] $Pixels, [string] $Path)
    New-Item -ItemType Directory (Split-Path $Path) -Force | Out-Null
    $bitmap = [SkiaSharp.SKBitmap]::new(28, 28, [SkiaSharp.SKColorType]::Gray8, [SkiaSharp.SKAlphaType]::Opaque)
    [System.Runtime.InteropServices.Marshal]::Copy($Pixels, 0, $bitmap.GetPixels(), 784)
    $data = $bitmap.Encode([SkiaSharp.SKEncodedImageFormat]::Png, 100)
    [System.IO.File]::WriteAllBytes($Path, $data.ToArray())
    $data.Dispose(); $bitmap.Dispose()
}

# Samples of a split as a folder of class folders of 28x28 PNG files (class folder = class name).
function Write-PictureFolder {
    param([Mnist.Core.Data.MnistSplit] $Split, [int[]] $Index, [string] $Folder)
    foreach ($i in $Index) {
        Write-GrayPng -Pixels $Split.GetImage($i) -Path ('{0}/{1}/{2:D5}.png' -f $Folder, [Mnist.Core.Data.Files.ClassFolderNames]::For($Split.ClassNames[$Split.Labels[$i]]), $i)
    }
}

# Digits in another style than MNIST's handwriting: typeset in DejaVu fonts (bright on black, 28x28, jittered in
# place, size and weight), one class folder each. Returns $false when the machine has no DejaVu fonts.
function Write-TypesetDigits {
    param([string] $Folder, [int] $PerDigit = 40, [int] $Seed = 1)
    $families = 'DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono'
    if (-not ($families | Where-Object { [SkiaSharp.SKFontManager]::Default.MatchFamily($_) })) { return $false }
    $random = [System.Random]::new($Seed)
    foreach ($digit in 0..9) {
        foreach ($n in 1..$PerDigit) {
            $family = $families[$random.Next($families.Count)]
            $weight = if ($random.Next(2)) { [SkiaSharp.SKFontStyle]::Bold } else { [SkiaSharp.SKFontStyle]::Normal }
            $bitmap = [SkiaSharp.SKBitmap]::new(28, 28)
            $canvas = [SkiaSharp.SKCanvas]::new($bitmap)
            $canvas.Clear([SkiaSharp.SKColors]::Black)
            $font = [SkiaSharp.SKFont]::new([SkiaSharp.SKTypeface]::FromFamilyName($family, $weight), $random.Next(18, 25))
            $paint = [SkiaSharp.SKPaint]::new(); $paint.Color = [SkiaSharp.SKColors]::White; $paint.IsAntialias = $true
            $canvas.Translate(14 + $random.Next(-2, 3), 14 + $random.Next(-2, 3))
            $canvas.RotateDegrees($random.Next(-12, 13))
            $canvas.DrawText("$digit", 0, $font.Size * 0.36, [SkiaSharp.SKTextAlign]::Center, $font, $paint)
            $canvas.Dispose()
            $gray = $bitmap.Copy([SkiaSharp.SKColorType]::Gray8)
            $pixels = [byte[]]::new(784)
            [System.Runtime.InteropServices.Marshal]::Copy($gray.GetPixels(), $pixels, 0, 784)
            Write-GrayPng -Pixels $pixels -Path ('{0}/{1}/typeset-{2:D3}.png' -f $Folder, $digit, $n)
            $paint.Dispose(); $font.Dispose(); $gray.Dispose(); $bitmap.Dispose()
        }
    }
    $true
}
