package io.vigil.autoencoder;

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
import org.nd4j.linalg.ops.transforms.Transforms;

/** A fitted autoencoder; score = mean squared reconstruction error of the row. */
public class AutoencoderModel extends AnomalyModel<AutoencoderModel> implements AutoencoderParams {

  private final Param<String> hiddenLayers;
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

  AutoencoderModel(String uid, byte[] network, int width) {
    super(uid);
    hiddenLayers = AutoencoderParams.hiddenLayers(this);
    activation = NeuralNetParams.activation(this);
    learningRate = NeuralNetParams.learningRate(this);
    epochs = NeuralNetParams.epochs(this);
    batchSize = NeuralNetParams.batchSize(this);
    averagingFrequency = NeuralNetParams.averagingFrequency(this);
    numWorkers = NeuralNetParams.numWorkers(this);
    seed = NeuralNetParams.seed(this);
    trainer = NeuralNetParams.trainer(this);
    AutoencoderParams.setAutoencoderDefaults(this);
    this.network = network;
    set(numFeatures(), width);
  }

  @Override public Param<String> hiddenLayers() { return hiddenLayers; }
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
    return AutoencoderDetector.NAME;
  }

  @Override
  protected boolean explains() {
    return true;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, network, getFeaturesCol(), getScoreCol(), getNumFeatures(),
        (net, x, explain) -> {
          INDArray reconstruction = net.output(x, false).castTo(DataType.FLOAT);
          INDArray squared = Transforms.pow(reconstruction.sub(x), 2, false);
          // A feature's contribution is its squared error: the score is their mean.
          return new BatchScoring.Scores(squared.mean(1).castTo(DataType.DOUBLE).toDoubleVector(),
              explain ? squared.dup('c').data().asFloat() : null);
        }, getExplainTopK(), getFeatureNames());
  }

  @Override
  public AutoencoderModel copy(ParamMap extra) {
    return copyValues(new AutoencoderModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return NetworkPersistence.writer(this, network, AutoencoderDetector.NAME);
  }

  public static MLReader<AutoencoderModel> read() {
    return NetworkPersistence.reader(AutoencoderModel.class, AutoencoderModel::new);
  }

  public static AutoencoderModel load(String path) {
    return read().load(path);
  }
}
