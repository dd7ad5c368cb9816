namespace CultureNet.Engine.Protocol.Planning;

/// <summary>What a fit of the plan trains.</summary>
public enum FitKind
{
    /// <summary>A fresh GenNet, all five Dense layers trainable, glorot-initialised from the fit's seed.</summary>
    GenNet,

    /// <summary>Starts from the parent fit's weights; layers 1–4 frozen, only the last Dense layer trained, fresh optimizer
    /// state, same fit settings (culturalisation M4 / M7-culture, personalisation M7).</summary>
    LastLayer,

    /// <summary>No network: the prediction is the mean of the training rows' labels (ME).</summary>
    MeanBaseline,
}
