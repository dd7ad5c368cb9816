using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Tests.Support;

/// <summary>Small seeded regression problems for training tests.</summary>
public static class Data
{
    public static (Matrix X, Matrix Y) Regression(int rows, int dim, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * dim];
        var y = new float[rows];
        var w = Enumerable.Range(0, dim).Select(_ => rng.NextDouble() - 0.5).ToArray();
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int c = 0; c < dim; c++)
            {
                float v = (float)(rng.NextDouble() * 2 - 1);
                x[r * dim + c] = v;
                dot += v * w[c];
            }
            y[r] = (float)Math.Tanh(dot);
        }
        return (new Matrix(x, rows, dim), Matrix.Column(y));
    }
}
