using CultureNet.Engine.Cohort;
using CultureNet.Engine.Data;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet predict</c> runs on what.</summary>
public sealed record PredictRequest
{
    /// <summary>One GenNet weight file (.h5/.npz), or …</summary>
    public string? Weights { get; init; }

    /// <summary>… a CultureNet model folder (the protocol's RESULTS/models: joint.npz, culture_C*.npz, child_C*-*.npz).</summary>
    public string? Model { get; init; }

    /// <summary>With <see cref="Model"/>: the culture (and child) whose last layer to use for every row; null: each store
    /// row's own culture and child, and the joint model for .npy rows.</summary>
    public int? Culture { get; init; }
    public int? Child { get; init; }

    public string? X { get; init; }
    public string? Store { get; init; }
    public required string Out { get; init; }
    public string? Plot { get; init; }

    /// <summary>Frames in the plot's rolling mean.</summary>
    public int Window { get; init; } = 15;
}

/// <summary>What was predicted, and with which last layer for which rows ("C0 child 3: child C0-3").</summary>
public sealed record PredictOutcome(int Rows, IReadOnlyList<string> LayersUsed, bool Synthetic);

/// <summary>
/// Inference: features (.npy or a feature store) through one GenNet or a CultureNet model (the child's last layer when
/// it has one, else the culture's, else the joint model), written as CSV or .npy, optionally with the trace PNG.
/// </summary>
public static class PredictionSession
{
    public static PredictOutcome Run(PredictRequest request)
    {
        if ((request.Weights is null) == (request.Model is null)) throw new CultureNetException("give exactly one of --weights W (a GenNet weight file) or --model DIR (a CultureNet model folder)");
        if ((request.X is null) == (request.Store is null)) throw new CultureNetException("give exactly one of --x X.npy or --store STORE");
        if (request.Weights is not null && (request.Culture is not null || request.Child is not null))
            throw new CultureNetException("--culture/--child choose a CultureNet layer; they go with --model, not --weights");
        if (request.Child is not null && request.Culture is null) throw new CultureNetException("--child needs --culture (child ids are per culture)");
        if (request.Culture is int cu && !CultureCodes.IsKnown(cu)) throw new CultureNetException($"--culture {cu}: expected 0 (C0) or 1 (C1)");

        var rows = new List<EngagementRow>();
        var used = new List<string>();
        bool synthetic = false;
        if (request.Weights is not null)
        {
            using var network = GenNet.FromWeightFile(request.Weights);
            foreach (var (x, keys) in Blocks(request, ref synthetic))
            {
                Check(x.Cols, network.InputDim, request.Weights);
                var y = network.Predict(x);
                if (network.OutputDim != 1)
                {
                    if (!request.Out.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                        throw new CultureNetException($"{request.Weights}: the model has {network.OutputDim} outputs; one engagement value per row is needed for CSV (write .npy instead)");
                    NpyMatrix.Save(request.Out, y, x.Rows, network.OutputDim);
                    return new PredictOutcome((int)x.Rows, [$"all rows: {Path.GetFileName(request.Weights)}"], synthetic);
                }
                for (int i = 0; i < keys.Count; i++) rows.Add(keys[i] with { Engagement = y[i] });
            }
            used.Add($"all rows: {Path.GetFileName(request.Weights)}");
        }
        else
        {
            using var model = CultureNetModel.Load(request.Model!);
            foreach (var (x, keys) in Blocks(request, ref synthetic))
            {
                Check(x.Cols, model.InputDim, request.Model!);
                byte? culture = request.Culture is int c ? (byte)c : keys[0].Culture is int k ? (byte)k : null;
                int? child = request.Culture is not null ? request.Child : keys[0].Child;
                string layer = model.LayerFor(culture, child);
                var y = model.Predict(x, culture, child);
                string who = keys[0].Culture is int kc ? $"C{kc} child {keys[0].Child}" : "all rows";
                used.Add($"{who}: {layer} layer");
                for (int i = 0; i < keys.Count; i++) rows.Add(keys[i] with { Engagement = y[i] });
            }
        }
        EngagementTable.Write(request.Out, rows);
        if (request.Plot is not null)
            EngagementTable.Plot(request.Plot, rows, request.Window, $"engagement: {Path.GetFileName(request.X ?? request.Store)}{(synthetic ? " (SYNTHETIC data)" : "")}");
        return new PredictOutcome(rows.Count, used, synthetic);
    }

    private static void Check(int features, int modelInput, string model)
    {
        if (features != modelInput)
            throw new CultureNetException($"{model}: the model takes {modelInput}-D feature rows; the features are {features}-D (extract them with the backbone the model was trained on)");
    }

    /// <summary>The rows to predict, in blocks that share a culture and child (a store's children; one block for .npy).</summary>
    private static List<(Matrix X, List<EngagementRow> Keys)> Blocks(PredictRequest request, ref bool synthetic)
    {
        var blocks = new List<(Matrix, List<EngagementRow>)>();
        if (request.X is not null)
        {
            var x = NpyMatrix.Load(request.X);
            var keys = Enumerable.Range(0, checked((int)x.Rows)).Select(i => new EngagementRow(request.Culture, request.Child, i, null, float.NaN)).ToList();
            blocks.Add((x, keys));
            return blocks;
        }
        using var store = FeatureStore.Open(request.Store!);
        synthetic = store.IsSynthetic;
        var frames = store.Frames.ToArray();
        foreach (var child in store.ChildBlocks)
        {
            var indices = Enumerable.Range(checked((int)child.StartRow), child.RowCount).ToArray();
            var values = new float[(long)child.RowCount * store.Dim];
            store.GatherRows(indices, values);
            var keys = indices.Select(r => new EngagementRow(child.Culture, child.Child, frames[r], null, float.NaN)).ToList();
            blocks.Add((new Matrix(values, child.RowCount, store.Dim), keys));
        }
        return blocks;
    }
}
