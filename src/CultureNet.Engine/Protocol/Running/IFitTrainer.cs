using CultureNet.Engine.Protocol.Planning;
namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// Trains the networks of a protocol plan (GenNet from scratch, or the last layer on top of a parent model). The
/// protocol runner owns ordering, resumption and bookkeeping; a trainer only turns a <see cref="FitSpec"/> into a model.
/// Training must be deterministic for a given fit (its <see cref="FitSpec.Seed"/>), so a resumed protocol reproduces an
/// uninterrupted one.
/// </summary>
public interface IFitTrainer
{
    /// <summary>File extension of saved models (e.g. ".npz").</summary>
    string ModelExtension { get; }

    /// <summary>Trains <paramref name="fit"/>: a fresh GenNet for <see cref="FitKind.GenNet"/>, or for
    /// <see cref="FitKind.LastLayer"/> a copy of <paramref name="parent"/> with layers 1–4 frozen and a fresh optimizer.
    /// <paramref name="parent"/> must not be modified. Called from several threads at once when the runner trains
    /// several fits at once (<see cref="ProtocolRunner.Parallelism"/>); a parent shared by such calls is read under its own lock
    /// (the runner disposes it under that lock too).</summary>
    ITrainedModel Train(FitSpec fit, ITrainedModel? parent, CancellationToken cancellation);

    /// <summary>Loads a model written by <see cref="ITrainedModel.Save"/>, bit for bit.</summary>
    ITrainedModel Load(string path);
}
