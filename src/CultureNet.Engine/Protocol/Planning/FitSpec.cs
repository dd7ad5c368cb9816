namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// One training job of the protocol, as plain store row lists.
/// </summary>
/// <param name="Key">Unique, file-name safe id, e.g. <c>run03_M1_C0-7</c>; names the fit's result file.</param>
/// <param name="Run">1-based run number.</param>
/// <param name="Kind">What is trained.</param>
/// <param name="ParentKey">For <see cref="FitKind.LastLayer"/>: the fit whose trained weights this one starts from.</param>
/// <param name="TrainRows">Training rows (ascending).</param>
/// <param name="ValidationRows">Rows of the early-stopping validation set (ascending; empty for ME).</param>
/// <param name="Seed">Seed of the weight initialisation and the per-epoch shuffles (<see cref="SeedScheme"/>).</param>
/// <param name="Evaluations">What the trained model is scored on; empty for intermediate models (M7's joint and culture
/// models, M3's model when only M4 is requested).</param>
public sealed record FitSpec(
    string Key,
    int Run,
    FitKind Kind,
    string? ParentKey,
    int[] TrainRows,
    int[] ValidationRows,
    int Seed,
    IReadOnlyList<EvaluationSpec> Evaluations);
