namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// Greedy non-max suppression: candidates in order of falling score (equal scores keep their input order), each kept
/// unless it overlaps an already kept box by more than the IoU limit.
/// </summary>
public static class NonMaxSuppression
{
    public static List<FaceBox> Apply(IReadOnlyList<FaceBox> candidates, float iouLimit)
    {
        var order = Enumerable.Range(0, candidates.Count).OrderByDescending(i => candidates[i].Score).ToArray(); // stable
        var kept = new List<FaceBox>();
        foreach (int i in order)
        {
            var box = candidates[i];
            bool overlaps = false;
            foreach (var k in kept)
                if (box.IoU(k) > iouLimit) { overlaps = true; break; }
            if (!overlaps) kept.Add(box);
        }
        return kept;
    }
}
