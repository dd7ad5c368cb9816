using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Weights;

/// <summary>
/// What a Keras file holds, whichever of the formats it is: the network's description when the file carries one
/// (null for weights-only files), the weights of its Dense layers in order, and how it was compiled (null when it
/// says nothing, or when that was not asked for).
/// </summary>
internal sealed record KerasModelFile(KerasModelSpec? Spec, IReadOnlyList<LayerWeights> Weights, Adadelta? Optimizer);
