namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// Whose conventions the protocol follows where the study's released code (github.com/sakuralily11/CultureNet-Autism)
/// and the paper's text differ: test rows, M2's and M3's training data, M7's shared stages, the undefined-metric rules,
/// the child pairing of the cultures (docs/protocol.md, "Two conventions").
/// </summary>
public enum ProtocolConventions
{
    /// <summary>What the paper's text describes; the protocol's behaviour before the choice existed. The library's
    /// default, so that existing results folders and callers keep their output.</summary>
    Paper,

    /// <summary>What the released code does, row for row; the CLI's default. Adds the released code's own files
    /// (<c>reference/</c>) to the results folder.</summary>
    Reference,
}
