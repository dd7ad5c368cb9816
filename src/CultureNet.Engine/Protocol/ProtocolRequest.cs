namespace CultureNet.Engine.Protocol;

/// <summary>What <c>culturenet protocol</c> runs: a store, a results folder, the protocol options and the fit settings.</summary>
public sealed record ProtocolRequest(string Store, string Out, ProtocolOptions Options, GenNetTrainingOptions Training, bool Fig3Analyses = true);
