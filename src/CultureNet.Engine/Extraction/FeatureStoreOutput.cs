namespace CultureNet.Engine.Extraction;

/// <summary>
/// Connects extraction to the feature store: which frames a finished store already holds (so a rerun skips them), where
/// the journal of an unfinished run lives, and building the store from the journal at the end.
/// </summary>
public static class FeatureStoreOutput
{
    /// <summary>The journal of an unfinished extraction into <paramref name="storePath"/>: "STORE.journal" beside it.</summary>
    public static string JournalPath(string storePath) =>
        Path.GetFullPath(storePath).TrimEnd(Path.DirectorySeparatorChar) + ".journal";

    /// <summary>Frames a finished store at <paramref name="storePath"/> already holds (empty when there is none).</summary>
    public static IReadOnlySet<FrameKey> ExistingKeys(string storePath, int featureWidth)
    {
        // Pending the feature store (branch `store`): until it is merged no finished store exists to resume from.
        return new HashSet<FrameKey>();
    }

    /// <summary>Builds the store from the journal (and a finished store's rows); returns the store's row count.</summary>
    public static int Finish(string storePath, ExtractionJournal journal, TextWriter log)
    {
        // Pending the feature store writer (branch `store`): the rows stay in the journal, which is complete and resumable.
        log.WriteLine($"note: the feature store writer is not merged yet; the {journal.Count} rows are in {journal.FilePath}");
        return journal.Count;
    }
}
