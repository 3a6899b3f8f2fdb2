package io.vigil.vae;

import io.vigil.core.AnomalyModel;
import io.vigil.dl4j.NeuralNetParams;
import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.NetworkPersistence;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A fitted VAE; score = -log p(x) of the reconstruction, from numSamples seeded draws of z per row. */
public class VaeModel extends AnomalyModel<VaeModel> implements VaeParams {

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

  /** DL4J's zip of the network (configuration + parameters). */
  private final byte[] network;

  VaeModel(String uid, byte[] network, int width) {
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
    this.network = network;
    set(numFeatures(), width);
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

  /** DL4J's zip of the trained network. */
  public byte[] networkBytes() {
    return network.clone();
  }

  @Override
  public String detectorName() {
    return VaeDetector.NAME;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    int samples = getNumSamples();
    long seedValue = getSeed();
    return BatchScoring.appendScores(dataset, network, getFeaturesCol(), getScoreCol(), getNumFeatures(),
        (net, x, explain) -> {
          // Seeded per batch: the same rows in the same partitions always get the same draws of z.
          org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seedValue);
          org.deeplearning4j.nn.layers.variational.VariationalAutoencoder vae =
              (org.deeplearning4j.nn.layers.variational.VariationalAutoencoder) net.getLayer(0);
          INDArray logProbability = vae.reconstructionLogProbability(x, samples).castTo(DataType.FLOAT);
          return new BatchScoring.Scores(logProbability.neg().castTo(DataType.DOUBLE).toDoubleVector(), null);
        }, 0, new String[0]);
  }

  @Override
  public VaeModel copy(ParamMap extra) {
    return copyValues(new VaeModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return NetworkPersistence.writer(this, network, VaeDetector.NAME);
  }

  public static MLReader<VaeModel> read() {
    return NetworkPersistence.reader(VaeModel.class, VaeModel::new);
  }

  public static VaeModel load(String path) {
    return read().load(path);
  }
}
