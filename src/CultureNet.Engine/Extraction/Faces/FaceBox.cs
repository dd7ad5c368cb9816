namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// A detected face: corners in pixels of the frame it was found in (continuous coordinates: the frame spans [0, width] ×
/// [0, height], pixel i covers [i, i + 1)), and the detector's score on its own scale.
/// </summary>
public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2, float Score)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
    public float Area => Math.Max(0f, Width) * Math.Max(0f, Height);

    /// <summary>The longer side (the crop rule's base length).</summary>
    public float Side => Math.Max(Width, Height);

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public float IoU(in FaceBox other)
    {
        float w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        float h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (w <= 0 || h <= 0) return 0f;
        float inter = w * h;
        float union = Area + other.Area - inter;
        return union > 0 ? inter / union : 0f;
    }
}
