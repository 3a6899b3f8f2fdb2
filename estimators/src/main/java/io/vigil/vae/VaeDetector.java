package io.vigil.vae;

import io.vigil.core.AnomalyDetector;
import io.vigil.dl4j.NeuralNetParams;
import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Variational autoencoder detector (Kingma and Welling 2014; An and Cho 2015, "Variational
 * autoencoder based anomaly detection using reconstruction probability"): a DL4J
 * {@code VariationalAutoencoder} layer with a Gaussian reconstruction distribution, trained
 * unsupervised with {@code pretrainLayer} through {@link ParameterAveragingTrainer} (a VAE has no output
 * layer, so {@code fit} and dl4j-spark's training master cannot train it). Score = minus the
 * reconstruction log-probability, estimated from {@code numSamples} seeded draws of z.
 */
public class VaeDetector extends AnomalyDetector<VaeModel> implements VaeParams {

  public static final String NAME = "vae";

  private final Param<String> encoderLayers;
  private final IntParam latentSize;
  private final IntParam numSamples;
  private final Param<String> activation;
  private final DoubleParam learningRate;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam numWorkers;
  private final LongParam seed;
  private final Param<String> trainer;

  public VaeDetector() {
    this(Identifiable$.MODULE$.randomUID(NAME));
  }

  public VaeDetector(String uid) {
    super(uid);
    encoderLayers = VaeParams.encoderLayers(this);
    latentSize = VaeParams.latentSize(this);
    numSamples = VaeParams.numSamples(this);
    activation = NeuralNetParams.activation(this);
    learningRate = NeuralNetParams.learningRate(this);
    epochs = NeuralNetParams.epochs(this);
    batchSize = NeuralNetParams.batchSize(this);
    averagingFrequency = NeuralNetParams.averagingFrequency(this);
    numWorkers = NeuralNetParams.numWorkers(this);
    seed = NeuralNetParams.seed(this);
    trainer = NeuralNetParams.trainer(this);
    VaeParams.setVaeDefaults(this);
  }

  @Override public Param<String> encoderLayers() { return encoderLayers; }
  @Override public IntParam latentSize() { return latentSize; }
  @Override public IntParam numSamples() { return numSamples; }
  @Override public Param<String> activation() { return activation; }
  @Override public DoubleParam learningRate() { return learningRate; }
  @Override public IntParam epochs() { return epochs; }
  @Override public IntParam batchSize() { return batchSize; }
  @Override public IntParam averagingFrequency() { return averagingFrequency; }
  @Override public IntParam numWorkers() { return numWorkers; }
  @Override public LongParam seed() { return seed; }
  @Override public Param<String> trainer() { return trainer; }

  public VaeDetector setEncoderLayers(String v) { set(encoderLayers, v); return this; }
  public VaeDetector setLatentSize(int v) { set(latentSize, v); return this; }
  public VaeDetector setNumSamples(int v) { set(numSamples, v); return this; }
  public VaeDetector setEpochs(int v) { set(epochs, v); return this; }
  public VaeDetector setBatchSize(int v) { set(batchSize, v); return this; }
  public VaeDetector setLearningRate(double v) { set(learningRate, v); return this; }
  public VaeDetector setNumWorkers(int v) { set(numWorkers, v); return this; }

  MultiLayerConfiguration configuration(int width) {
    int[] encoder = VaeParams.encoderSizes(getEncoderLayers(), width);
    int[] decoder = new int[encoder.length];
    for (int i = 0; i < encoder.length; i++) {
      decoder[i] = encoder[encoder.length - 1 - i];
    }
    Activation act = Activation.fromString(getActivation());
    return new NeuralNetConfiguration.Builder()
        .seed(getSeed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(getLearningRate()))
        .list()
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

  @Override
  public VaeDetector copy(ParamMap extra) {
    return (VaeDetector) defaultCopy(extra);
  }

  public static MLReader<VaeDetector> read() {
    return new DefaultParamsReader<>();
  }
}
