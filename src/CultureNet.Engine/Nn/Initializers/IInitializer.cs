namespace CultureNet.Engine.Nn.Initializers;

/// <summary>Fills a kernel of shape fanIn × fanOut.</summary>
public interface IInitializer
{
    void Fill(Span<float> kernel, int fanIn, int fanOut, Random random);
}
