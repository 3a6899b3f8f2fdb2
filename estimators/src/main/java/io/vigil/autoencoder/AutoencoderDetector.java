package io.vigil.autoencoder;

import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Autoencoder detector: a dense encoder–decoder trained to reconstruct normal rows (DL4J, trained by
 * {@link ParameterAveragingTrainer} on Spark); a row's score is its mean squared reconstruction error
 * in the scaled feature space (higher = more anomalous).
 */
public class AutoencoderDetector extends NeuralDetector<AutoencoderModel, AutoencoderDetector>
    implements AutoencoderParams {

  public AutoencoderDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public AutoencoderDetector(String uid) { super(uid); }

  public AutoencoderDetector setHiddenLayers(String v) { return setParam(hiddenLayers(), v); }

  /** The network: dense hidden layers, identity output of the input width, MSE loss, Adam, FLOAT. */
  MultiLayerConfiguration configuration(int width) {
    int[] hidden = AutoencoderParams.hiddenSizes(getHiddenLayers(), width);
    Activation act = Activation.fromString(getActivation());
    NeuralNetConfiguration.ListBuilder b = layers();
    int in = width;
    for (int i = 0; i < hidden.length; i++) {
      b.layer(i, new DenseLayer.Builder().nIn(in).nOut(hidden[i]).activation(act).build());
      in = hidden[i];
    }
    b.layer(hidden.length, new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(in).nOut(width)
        .activation(Activation.IDENTITY).build());
    return b.build();
  }

  @Override
  protected AutoencoderModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    return new AutoencoderModel(uid(), NetworkTraining.train(this, features, configuration(width),
        ParameterAveragingTrainer.Mode.FIT_RECONSTRUCTION, uid()), width);
  }

  public static MLReader<AutoencoderDetector> read() { return new DefaultParamsReader<>(); }

  public static AutoencoderDetector load(String path) { return read().load(path); }
}
