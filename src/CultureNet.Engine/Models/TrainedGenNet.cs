using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Models;

/// <summary>A trained GenNet/CultureNet of the protocol: the network, the feature matrix its rows index, and how training went.</summary>
public sealed class TrainedGenNet(Sequential model, Matrix features, FitSummary summary) : ITrainedModel
{
    public Sequential Model => model;

    public FitSummary Summary => summary;

    public float[] Predict(int[] rows) => model.Predict(features.Take(rows.Select(r => (long)r).ToArray()));

    /// <summary>Keras-layout weights (.npz or .h5 by extension), written atomically.</summary>
    public void Save(string path) => model.Save(path);

    public void Dispose() => model.Dispose();
}
