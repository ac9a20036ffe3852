namespace Mnist.Core.Imaging.Pictures;

/// <summary>Everything about one picture of the set, drawn at random within the ranges its kind allows.</summary>
internal sealed class Recipe
{
    public int Width, Height;
    /// <summary>Canvas pixels per MNIST pixel.</summary>
    public double Scale;
    /// <summary>The turn in radians.</summary>
    public double Angle;
    /// <summary>Where the centre of the digit's ink box lands on the canvas, and that centre in MNIST pixels.</summary>
    public double CenterX, CenterY, InkCenterX, InkCenterY;
    /// <summary>Half the ink box's size on the canvas.</summary>
    public double HalfWidth, HalfHeight;
    /// <summary>Supersampled pixels the strokes grow (positive) or shrink (negative) by.</summary>
    public int StrokeRadius;
    public double[] Paper = [1, 1, 1], Ink = [0, 0, 0];
    public double InkOpacity = 1;
    /// <summary>How much darker the dark side of the page is (0-1), and towards which direction.</summary>
    public double Gradient, LightDirection;
    /// <summary>How much darker the corners are (0-1).</summary>
    public double Vignette;
    /// <summary>Standard deviation of the sensor noise, in 0-1 units.</summary>
    public double Noise;
    public int Specks;
    public bool Hair;
    public int BlurPasses;
    public bool Jpeg;
    public int Quality = 100;

    private static readonly double[][] ColouredInks =
    [
        [0.10, 0.20, 0.65], // blue ballpoint
        [0.70, 0.10, 0.12], // red
        [0.08, 0.42, 0.16], // green
        [0.40, 0.12, 0.55], // violet
    ];

    private static readonly double[][] TintedPapers =
    [
        [0.99, 0.95, 0.76], // yellow notepad
        [0.87, 0.92, 0.99], // light blue
        [0.99, 0.90, 0.92], // pink
        [0.96, 0.93, 0.85], // cream
    ];

    public static Recipe For(PictureKind kind, Draw r, (double Left, double Top, double Right, double Bottom) ink)
    {
        var recipe = new Recipe();
        recipe.Width = kind == PictureKind.SmallInCanvas ? r.Between(300, 400) : r.Between(64, 400);
        recipe.Height = Math.Clamp((int)Math.Round(recipe.Width * r.Between(0.75, 1.33)), 64, 400);
        int side = Math.Min(recipe.Width, recipe.Height);

        // The MNIST digit's 20-pixel box becomes this many canvas pixels.
        double box = side * kind switch
        {
            PictureKind.SmallInCanvas => r.Between(0.08, 0.16),
            PictureKind.OffCentre => r.Between(0.25, 0.45),
            _ => r.Between(0.45, 0.8),
        };
        recipe.Scale = box / 20;
        recipe.Angle = Degrees(kind switch
        {
            PictureKind.Rotated => r.Sign() * r.Between(8.0, 15.0),
            PictureKind.Photo => r.Between(-6.0, 6.0),
            _ => r.Between(-3.0, 3.0),
        });
        recipe.InkCenterX = (ink.Left + ink.Right) / 2;
        recipe.InkCenterY = (ink.Top + ink.Bottom) / 2;
        recipe.HalfWidth = (ink.Right - ink.Left) / 2 * recipe.Scale;
        recipe.HalfHeight = (ink.Bottom - ink.Top) / 2 * recipe.Scale;
        recipe.Place(kind, r);

        recipe.StrokeRadius = kind switch
        {
            PictureKind.ThickStrokes => r.Between(2, 4),
            PictureKind.ThinStrokes => -2,
            _ => 0,
        };

        double paper = r.Between(0.89, 0.99);
        recipe.Paper = [paper + r.Between(0, 0.01), paper, paper - r.Between(0, 0.03)];
        double dark = r.Between(0.04, 0.22);
        recipe.Ink = [dark, dark, dark + r.Between(0, 0.08)];
        recipe.InkOpacity = r.Between(0.85, 1.0);
        recipe.Gradient = r.Between(0, 0.06);
        recipe.LightDirection = r.Between(0, 2 * Math.PI);
        recipe.Noise = r.Between(1, 3) / 255;
        switch (kind)
        {
            case PictureKind.Noise:
                recipe.Noise = r.Between(10, 22) / 255;
                recipe.Specks = r.Between(15, 60);
                recipe.Hair = r.Chance(0.5);
                break;
            case PictureKind.UnevenLight:
                recipe.Gradient = r.Between(0.3, 0.55);
                recipe.Vignette = r.Between(0.25, 0.45);
                break;
            case PictureKind.LowContrast:
                double grey = r.Between(0.6, 0.8);
                recipe.Paper = [grey, grey, grey];
                double pencil = grey - r.Between(0.12, 0.22);
                recipe.Ink = [pencil, pencil, pencil];
                recipe.InkOpacity = 1;
                break;
            case PictureKind.ColouredInk:
                recipe.Ink = r.Pick(ColouredInks);
                recipe.Paper = r.Pick(TintedPapers);
                break;
            case PictureKind.Photo:
                recipe.Gradient = r.Between(0.15, 0.3);
                recipe.Vignette = r.Between(0.1, 0.25);
                recipe.Noise = r.Between(5, 10) / 255;
                double sheet = r.Between(0.65, 0.85);
                recipe.Paper = [sheet, sheet, sheet * 0.97];
                recipe.Ink = [0.2, 0.2, 0.25];
                recipe.BlurPasses = r.Between(1, 2);
                break;
        }
        (recipe.Jpeg, recipe.Quality) = kind switch
        {
            PictureKind.Jpeg => (true, r.Between(8, 25)),
            PictureKind.Photo => (true, r.Between(40, 70)),
            _ => r.Chance(0.5) ? (true, r.Between(70, 95)) : (false, 100),
        };
        return recipe;
    }

    /// <summary>Where the ink box's centre goes: near the middle, far from it, or against an edge.</summary>
    private void Place(PictureKind kind, Draw r)
    {
        double freeX = Math.Max(0, Width / 2.0 - HalfWidth), freeY = Math.Max(0, Height / 2.0 - HalfHeight);
        switch (kind)
        {
            case PictureKind.OffCentre:
            case PictureKind.SmallInCanvas when r.Chance(0.5):
                // Out in the outer part of the free room, in a random direction.
                CenterX = Width / 2.0 + r.Sign() * freeX * r.Between(0.6, 0.95);
                CenterY = Height / 2.0 + r.Sign() * freeY * r.Between(0.3, 0.95);
                break;
            case PictureKind.TouchingBorder:
                CenterX = Width / 2.0 + freeX * r.Between(-0.5, 0.5);
                CenterY = Height / 2.0 + freeY * r.Between(-0.5, 0.5);
                // One edge of the ink box on an edge of the picture, a little of it cut off.
                double overlap = r.Between(0, 0.06);
                switch (r.Between(0, 3))
                {
                    case 0: CenterX = HalfWidth * (1 - overlap * 2); break;
                    case 1: CenterX = Width - HalfWidth * (1 - overlap * 2); break;
                    case 2: CenterY = HalfHeight * (1 - overlap * 2); break;
                    default: CenterY = Height - HalfHeight * (1 - overlap * 2); break;
                }
                break;
            default:
                CenterX = Width / 2.0 + freeX * r.Between(-0.15, 0.15);
                CenterY = Height / 2.0 + freeY * r.Between(-0.15, 0.15);
                break;
        }
    }

    private static double Degrees(double degrees) => degrees * Math.PI / 180;
}
