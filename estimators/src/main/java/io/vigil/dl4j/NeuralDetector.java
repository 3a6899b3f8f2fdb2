package io.vigil.dl4j;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The estimator base every DL4J detector shares: the training params of {@link NeuralNetParams}
 * and their setters, which return the concrete detector {@code D} so calls chain.
 */
public abstract class NeuralDetector<M extends AnomalyModel<M>, D extends NeuralDetector<M, D>>
    extends AnomalyDetector<M, D> implements NeuralNetParams {

  protected NeuralDetector(String uid) {
    super(uid);
  }

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

  public D setActivation(String v) { return setParam(activation(), v); }
  public D setLearningRate(double v) { return setParam(learningRate(), v); }
  public D setEpochs(int v) { return setParam(epochs(), v); }
  public D setBatchSize(int v) { return setParam(batchSize(), v); }
  public D setAveragingFrequency(int v) { return setParam(averagingFrequency(), v); }
  public D setNumWorkers(int v) { return setParam(numWorkers(), v); }
  public D setSeed(long v) { return setParam(seed(), v); }
  public D setTrainer(String v) { return setParam(trainer(), v); }
}
