namespace CultureNet.Engine.Nn.Optimizers;

/// <summary>
/// Keras 2.2's Adadelta (lr = 1.0, ρ = 0.95, ε = 1e-7). tf.keras ≥ 2.3 defaults to lr = 0.001: pass it to
/// reproduce those runs. The accumulators live in the native engine and start at zero at every Compile.
/// </summary>
public sealed class Adadelta
{
    public Adadelta(double lr = 1.0, double rho = 0.95, double epsilon = 1e-7)
    {
        if (!(lr > 0) || !double.IsFinite(lr)) throw new CultureNetException($"Adadelta: lr must be a positive number, got {lr}");
        if (!(rho >= 0 && rho < 1)) throw new CultureNetException($"Adadelta: rho must be in [0, 1), got {rho}");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new CultureNetException($"Adadelta: epsilon must be positive, got {epsilon}");
        Lr = lr;
        Rho = rho;
        Epsilon = epsilon;
    }

    public double Lr { get; }
    public double Rho { get; }
    public double Epsilon { get; }
}
