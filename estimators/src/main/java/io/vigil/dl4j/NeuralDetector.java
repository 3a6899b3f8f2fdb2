package io.vigil.dl4j;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The estimator base every DL4J detector shares: the training params of {@link NeuralNetParams}
 * (declared once here; Spark finds them through the public accessors) and their setters, which return
 * the concrete detector {@code D} so calls chain.
 */
public abstract class NeuralDetector<M extends AnomalyModel<M>, D extends NeuralDetector<M, D>>
    extends AnomalyDetector<M> implements NeuralNetParams {

  private final Param<String> activation;
  private final DoubleParam learningRate;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam numWorkers;
  private final LongParam seed;
  private final Param<String> trainer;

  protected NeuralDetector(String uid) {
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
  }

  @Override public Param<String> activation() { return activation; }
  @Override public DoubleParam learningRate() { return learningRate; }
  @Override public IntParam epochs() { return epochs; }
  @Override public IntParam batchSize() { return batchSize; }
  @Override public IntParam averagingFrequency() { return averagingFrequency; }
  @Override public IntParam numWorkers() { return numWorkers; }
  @Override public LongParam seed() { return seed; }
  @Override public Param<String> trainer() { return trainer; }

  /**
   * The start of every Vigil network's configuration: the seed, FLOAT throughout (ND4J M2 computes wrong
   * numbers when FLOAT and DOUBLE meet), Xavier initialisation and Adam at the learning rate.
   */
  protected NeuralNetConfiguration.ListBuilder layers() {
    return new NeuralNetConfiguration.Builder()
        .seed(getSeed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(getLearningRate()))
        .list();
  }

  @SuppressWarnings("unchecked")
  private D self() {
    return (D) this;
  }

  public D setActivation(String v) { set(activation, v); return self(); }
  public D setLearningRate(double v) { set(learningRate, v); return self(); }
  public D setEpochs(int v) { set(epochs, v); return self(); }
  public D setBatchSize(int v) { set(batchSize, v); return self(); }
  public D setAveragingFrequency(int v) { set(averagingFrequency, v); return self(); }
  public D setNumWorkers(int v) { set(numWorkers, v); return self(); }
  public D setSeed(long v) { set(seed, v); return self(); }
  public D setTrainer(String v) { set(trainer, v); return self(); }
  public D setExplainTopK(int v) { set(explainTopK(), v); return self(); }
}
