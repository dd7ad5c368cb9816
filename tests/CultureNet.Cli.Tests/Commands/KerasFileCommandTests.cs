using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Tests.Weights;
using CultureNet.Engine.Weights;

namespace CultureNet.Cli.Tests.Commands;

/// <summary><c>predict</c> and <c>fit</c> on Keras model files written by h5py (tests/oracles/keras_files.py).</summary>
public class KerasFileCommandTests(KerasFilesFixture keras) : IClassFixture<KerasFilesFixture>
{
    // The oracle's network: Dense 7→6 relu, 6→5 linear without bias (frozen), 5→4 relu, 4→1 linear.
    private static readonly (int Units, string Activation, bool UseBias, bool Trainable)[] Network =
        [(6, "relu", true, true), (5, "linear", false, false), (4, "relu", true, true), (1, "linear", true, true)];

    [Fact]
    public void Predict_and_fit_take_keras_model_files()
    {
        using var tmp = new TempDir();
        var predict = CliProcess.Run("predict", "--weights", keras.File("m.keras"), "--x", keras.File("x.npy"), "--out", tmp.File("p.npy"));
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        KerasFilesFixture.AssertPredictionsFile(tmp.File("p.npy"), keras.Expected.Select(v => (float)v).ToArray());

        NpyMatrix.Save(tmp.File("y.npy"), keras.Expected.Select(v => (float)v).ToArray(), keras.X.Rows, 1);
        var fit = CliProcess.Run("fit", "--x", keras.File("x.npy"), "--y", tmp.File("y.npy"), "--init-weights", keras.File("k2_model_dict.h5"),
            "--epochs", "2", "--save-model", tmp.File("out.keras"));
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        using var trained = KerasModels.LoadModel(tmp.File("out.keras"));
        Assert.Equal(Network.Select(n => (n.Units, n.Activation, n.UseBias, n.Trainable)),
            trained.Layers.Select(l => (l.Units, l.Activation.ToKerasName(), l.UseBias, l.Trainable)));
        using var initial = KerasModels.LoadModel(keras.File("k2_model_dict.h5"), compile: false);
        Assert.Equal(initial.Layers[1].GetWeights()[0], trained.Layers[1].GetWeights()[0]); // frozen: unchanged
        Assert.NotEqual(initial.Layers[0].GetWeights()[0], trained.Layers[0].GetWeights()[0]);

        var mismatch = CliProcess.Run("fit", "--x", keras.File("x.npy"), "--y", tmp.File("y.npy"), "--init-weights", keras.File("m.keras"), "--hidden", "500,200");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("--hidden 500,200 differs from the file's hidden layers 6,5,4", mismatch.Stderr);
    }

    [Theory]
    [MemberData(nameof(HostileKerasFiles.All), MemberType = typeof(HostileKerasFiles))]
    public void Hostile_and_unsupported_files_get_one_clear_error_line_from_predict(string name, string python, string expected)
    {
        using var tmp = new TempDir();
        var path = HostileKerasFiles.Write(tmp, name, python);
        var cli = CliProcess.Run("predict", "--weights", path, "--x", keras.File("x.npy"), "--out", tmp.File("p.npy"));
        Assert.Equal(1, cli.ExitCode);
        Assert.StartsWith("error: ", cli.Stderr);
        Assert.Contains(expected, cli.Stderr);
        Assert.Single(cli.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(tmp.File("p.npy")));
    }
}
