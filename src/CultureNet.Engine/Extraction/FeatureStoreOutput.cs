using CultureNet.Engine.IO;
using CultureNet.Engine.Data;

namespace CultureNet.Engine.Extraction;

/// <summary>
/// Connects extraction to the feature store (<see cref="FeatureStoreWriter"/>, <see cref="FeatureStore"/>): which
/// frames a finished store already holds (a rerun skips them), where the journal of an unfinished run lives, the
/// extraction settings recorded beside the store, and building the store from the journal at the end.
///
/// Files: <c>STORE/features.cnstore</c> (the store, replaced atomically), <c>STORE/extraction.txt</c> (backbone and
/// preprocessing of its rows: adding rows with other settings is refused), <c>STORE.journal</c> (rows of a run that has
/// not finished; deleted once they are in the store).
/// </summary>
public static class FeatureStoreOutput
{
    /// <summary>Name of the settings file written beside the store file.</summary>
    public const string SettingsFileName = "extraction.txt";

    /// <summary>The journal of an unfinished extraction into <paramref name="storePath"/>: "STORE.journal" beside it.</summary>
    public static string JournalPath(string storePath) =>
        Path.GetFullPath(storePath).TrimEnd(Path.DirectorySeparatorChar) + ".journal";

    public static bool StoreExists(string storePath) => File.Exists(Path.Combine(storePath, StoreLayout.FileName));

    /// <summary>
    /// Frames a finished store at <paramref name="storePath"/> already holds (empty when there is none). Refuses a store
    /// of another width or written with other extraction settings.
    /// </summary>
    public static IReadOnlySet<FrameKey> ExistingKeys(string storePath, int featureWidth, string settings)
    {
        var keys = new HashSet<FrameKey>();
        if (File.Exists(storePath))
            throw new CultureNetException($"{storePath}: --out names a file; a feature store is a folder (it will hold {StoreLayout.FileName})");
        if (!StoreExists(storePath)) return keys;
        using var store = FeatureStore.Open(storePath);
        if (store.Dim != featureWidth)
            throw new CultureNetException($"{storePath}: the store holds {store.Dim}-D features, this backbone gives {featureWidth}-D; choose another --out");
        string settingsFile = Path.Combine(storePath, SettingsFileName);
        string recorded = File.Exists(settingsFile) ? File.ReadAllText(settingsFile).Trim() : "";
        if (recorded.Length == 0)
            throw new CultureNetException($"{storePath}: this store was not written by `culturenet extract` (no {SettingsFileName}); extract into another --out");
        if (recorded != settings)
            throw new CultureNetException($"{storePath}: its rows were extracted with other settings ({recorded}), now ({settings}); adding rows would mix features — use the same backbone and preprocessing, or another --out");
        var c = store.Cultures;
        var ch = store.Children;
        var f = store.Frames;
        for (int i = 0; i < store.RowCount; i++) keys.Add(new FrameKey(c[i], ch[i], f[i]));
        return keys;
    }

    /// <summary>
    /// Records the settings, moves the journal's rows into the store (a new one, or the existing one plus the new rows,
    /// replaced atomically), then deletes the journal. Returns the store's row count.
    /// </summary>
    public static long Finish(string storePath, ExtractionJournal journal, string settings, FeatureDType dtype = FeatureDType.Float32)
    {
        bool exists = StoreExists(storePath);
        long rows;
        if (journal.Count == 0)
        {
            journal.Dispose();
            File.Delete(journal.FilePath);
            if (!exists) throw new CultureNetException($"{storePath}: no image could be extracted, so no feature store was written");
            using var store = FeatureStore.Open(storePath);
            return store.RowCount;
        }
        // Settings first: if the process dies before the store is renamed into place, the old store (same settings,
        // checked by ExistingKeys) or no store is left, and the journal is still there to finish from.
        string settingsFile = Path.Combine(storePath, SettingsFileName);
        try
        {
            Directory.CreateDirectory(storePath);
            AtomicFile.WriteAllText(settingsFile, settings + "\n");
            using var writer = exists ? FeatureStoreWriter.OpenForUpdate(storePath) : FeatureStoreWriter.Create(storePath, journal.FeatureWidth, dtype);
            if (writer.Dim != journal.FeatureWidth)
                throw new CultureNetException($"{storePath}: the store holds {writer.Dim}-D features, the journal {journal.FeatureWidth}-D");
            foreach (var (key, label, features) in journal.ReadAll())
                if (!writer.Contains((byte)key.Culture, key.Child, key.Frame))
                    writer.Append((byte)key.Culture, key.Child, key.Frame, label, features);
            writer.Finish();
            rows = writer.RowCount;
        }
        catch (Exception e) when (AtomicFile.FileSystemFault(e) is { } fault)
        {
            // The extracted rows are work worth keeping: the journal stays, and the message says what to do with it.
            throw new CultureNetException(
                $"{storePath}: cannot write the feature store: {fault.Message}; the {journal.Count} extracted rows are kept in {journal.FilePath} — free space and rerun the same command to finish", fault);
        }
        // The store is durable and in place: drop the journal.
        journal.Dispose();
        File.Delete(journal.FilePath);
        return rows;
    }
}
