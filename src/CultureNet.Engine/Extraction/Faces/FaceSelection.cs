namespace CultureNet.Engine.Extraction.Faces;

/// <summary>Which faces of a frame to keep when there are more than --max-faces.</summary>
public enum FaceRanking
{
    /// <summary>Largest box first (the child in front of the camera is usually the largest face).</summary>
    Largest,
    /// <summary>Highest detector score first.</summary>
    Score,
}

/// <summary>The faces a frame contributes: boxes at least <see cref="MinFace"/> pixels on their longer side, ranked,
/// at most <see cref="MaxFaces"/>.</summary>
public sealed record FaceSelection(int MaxFaces = 1, FaceRanking Ranking = FaceRanking.Largest, int MinFace = 0)
{
    public static FaceRanking ParseRanking(string text) => text.ToLowerInvariant() switch
    {
        "largest" => FaceRanking.Largest,
        "score" => FaceRanking.Score,
        _ => throw new CultureNetException($"--select '{text}': expected largest or score"),
    };

    public void Validate()
    {
        if (MaxFaces < 1) throw new CultureNetException($"--max-faces {MaxFaces}: expected at least 1");
        if (MinFace < 0) throw new CultureNetException($"--min-face {MinFace}: expected a non-negative number of pixels");
    }

    public List<FaceBox> Apply(IReadOnlyList<FaceBox> faces)
    {
        var eligible = faces.Where(f => f.Side >= MinFace);
        var ranked = Ranking == FaceRanking.Largest
            ? eligible.OrderByDescending(f => f.Area).ThenByDescending(f => f.Score)
            : eligible.OrderByDescending(f => f.Score).ThenByDescending(f => f.Area);
        return ranked.Take(MaxFaces).ToList();
    }
}
