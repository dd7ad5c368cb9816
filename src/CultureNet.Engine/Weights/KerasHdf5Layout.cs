namespace CultureNet.Engine.Weights;

/// <summary>
/// Variations of Keras' save_weights HDF5 layout that the writer can produce.
/// </summary>
/// <param name="KerasVersion">The file's <c>keras_version</c> attribute.</param>
/// <param name="InputLayerName">When set, the layer list starts with this weightless InputLayer group, as a functional
/// <c>Model</c> (not a Sequential) saves it.</param>
public sealed record KerasHdf5Layout(string KerasVersion, string? InputLayerName = null)
{
    /// <summary>What <see cref="WeightFile.SaveWeights"/> writes: a Sequential's layers, keras_version 2.2.4.</summary>
    public static readonly KerasHdf5Layout Default = new("2.2.4");

    /// <summary>The study's released genNet (a functional Model in Keras 2.2.2 after K.clear_session()): input_1, then
    /// dense_1 … dense_5.</summary>
    public static readonly KerasHdf5Layout ReleasedGenNet = new("2.2.2", "input_1");
}
