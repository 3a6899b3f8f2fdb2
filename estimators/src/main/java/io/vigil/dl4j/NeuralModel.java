package io.vigil.dl4j;

import io.vigil.core.AnomalyModel;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWriter;

/**
 * The model base every DL4J detector shares: the training params it was fitted with (declared once
 * here), the trained network as DL4J's zip, and persistence as metadata + that zip
 * ({@link NetworkPersistence}).
 */
public abstract class NeuralModel<M extends NeuralModel<M>> extends AnomalyModel<M> implements NeuralNetParams {

  private final Param<String> activation;
  private final DoubleParam learningRate;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam numWorkers;
  private final LongParam seed;
  private final Param<String> trainer;

  /** DL4J's zip of the network (configuration + parameters). */
  protected final byte[] network;

  protected NeuralModel(String uid, byte[] network) {
    super(uid);
    activation = NeuralNetParams.activation(this);
    learningRate = NeuralNetParams.learningRate(this);
    epochs = NeuralNetParams.epochs(this);
    batchSize = NeuralNetParams.batchSize(this);
    averagingFrequency = NeuralNetParams.averagingFrequency(this);
    numWorkers = NeuralNetParams.numWorkers(this);
    seed = NeuralNetParams.seed(this);
    trainer = NeuralNetParams.trainer(this);
    NeuralNetParams.setTrainingDefaults(this);
    this.network = network;
    // numFeatures (= width) is set by the subclass once its own params exist: Spark lists a stage's
    // params once, on the first set(), so a set() here would miss the subclass's.
  }

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
  public MLWriter write() {
    return NetworkPersistence.writer(this, network, detectorName());
  }
}
