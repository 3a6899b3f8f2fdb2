package io.vigil.vae;

import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.nd4j.linalg.activations.Activation;

/**
 * Variational autoencoder detector (Kingma and Welling 2014; An and Cho 2015, "Variational
 * autoencoder based anomaly detection using reconstruction probability"): a DL4J
 * {@code VariationalAutoencoder} layer with a Gaussian reconstruction distribution, trained
 * unsupervised with {@code pretrainLayer} through {@link ParameterAveragingTrainer} (a VAE has no output
 * layer, so {@code fit} and dl4j-spark's training master cannot train it). Score = minus the
 * reconstruction log-probability, estimated from {@code numSamples} seeded draws of z.
 */
public class VaeDetector extends NeuralDetector<VaeModel, VaeDetector> implements VaeParams {

  public VaeDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public VaeDetector(String uid) { super(uid); }

  public VaeDetector setEncoderLayers(String v) { return setParam(encoderLayers(), v); }
  public VaeDetector setLatentSize(int v) { return setParam(latentSize(), v); }
  public VaeDetector setNumSamples(int v) { return setParam(numSamples(), v); }

  MultiLayerConfiguration configuration(int width) {
    int[] encoder = VaeParams.encoderSizes(getEncoderLayers(), width);
    int[] decoder = new int[encoder.length];
    for (int i = 0; i < encoder.length; i++) {
      decoder[i] = encoder[encoder.length - 1 - i];
    }
    Activation act = Activation.fromString(getActivation());
    return layers()
        .layer(0, new VariationalAutoencoder.Builder().nIn(width).nOut(VaeParams.latent(getLatentSize(), width))
            .encoderLayerSizes(encoder).decoderLayerSizes(decoder).activation(act)
            .pzxActivationFunction(Activation.IDENTITY)
            .reconstructionDistribution(new GaussianReconstructionDistribution(Activation.IDENTITY))
            .build())
        .build();
  }

  @Override
  protected VaeModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    return new VaeModel(uid(), NetworkTraining.train(this, features, configuration(width),
        ParameterAveragingTrainer.Mode.PRETRAIN_FIRST_LAYER, uid()), width);
  }

  public static MLReader<VaeDetector> read() { return new DefaultParamsReader<>(); }

  public static VaeDetector load(String path) { return read().load(path); }
}
