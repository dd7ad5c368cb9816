using CultureNet.Engine.Nn.Optimizers;
using PureHDF;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 2's <c>model.save('m.h5')</c>: file attributes keras_version, backend, model_config (the JSON of
/// Keras.engine.saving: {"class_name": "Sequential", "config": …}) and, for a compiled model, training_config;
/// the weights in group model_weights, laid out as save_weights lays out a file (<see cref="KerasHdf5Weights"/>).
/// </summary>
internal static class Keras2ModelHdf5
{
    public static bool IsModelFile(Hdf5Reader h5) => h5.HasAttribute(h5.Root, "model_config");

    public static KerasModelFile Read(Hdf5Reader h5, bool compile)
    {
        string config = h5.Text(h5.Root, "model_config") ?? throw new CultureNetException($"{h5.Source}: no model_config attribute");
        var spec = KerasConfigReader.Parse(config, h5.Source);
        if (!h5.HasLink(h5.Root, "model_weights"))
            throw new CultureNetException($"{h5.Source}: has a model_config but no model_weights group");
        var weights = KerasHdf5Weights.Read(h5, h5.Group(h5.Root, "model_weights"));
        var training = compile ? h5.Text(h5.Root, "training_config") : null;
        var optimizer = training is null ? null : KerasTrainingConfig.Parse(KerasTrainingConfig.ParseJson(training, h5.Source), h5.Source);
        return new KerasModelFile(spec, weights, optimizer);
    }

    public static void Write(Stream stream, KerasModelSpec spec, IReadOnlyList<LayerWeights> weights, Adadelta? optimizer)
    {
        var file = new H5File();
        string config = Keras2Json.ModelConfig(spec);
        file.Attributes["keras_version"] = KerasHdf5Weights.KerasVersion;
        file.Attributes["backend"] = "tensorflow";
        file.Attributes["model_config"] = config;
        var strings = weights.SelectMany(KerasHdf5Weights.Strings).Append(config).ToList();
        if (optimizer is not null)
        {
            string training = Keras2Json.TrainingConfig(optimizer);
            file.Attributes["training_config"] = training;
            strings.Add(training);
        }
        var options = KerasHdf5Weights.Options(strings);
        var modelWeights = new H5Group();
        KerasHdf5Weights.Fill(modelWeights, weights, options.DefaultStringLength);
        file["model_weights"] = modelWeights;
        file.Write(stream, options);
    }
}
