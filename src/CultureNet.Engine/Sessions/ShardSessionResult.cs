using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Sessions;

/// <summary>What one shard of a protocol did: fits it trained, and fits of the whole protocol still without a result.</summary>
public sealed record ShardSessionResult(Shard Shard, int Trained, int Missing, int TotalFits);
