namespace CultureNet.Engine;

/// <summary>
/// An expected failure caused by the caller's input or environment (bad file, wrong shape, missing library).
/// The message names the file, row or field and says what was expected; the CLI prints it without a stack trace.
/// </summary>
public class CultureNetException : Exception
{
    public CultureNetException(string message) : base(message) { }
    public CultureNetException(string message, Exception inner) : base(message, inner) { }
}
