package io.vigil.dl4j;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * Parameters every DL4J detector shares: hidden activation, Adam learning rate and the
 * parameter-averaging schedule ({@link ParameterAveragingTrainer}).
 */
public interface NeuralNetParams extends DetectorParams {

  Param<String> activation();

  DoubleParam learningRate();

  IntParam epochs();

  IntParam batchSize();

  IntParam averagingFrequency();

  IntParam numWorkers();

  LongParam seed();

  Param<String> trainer();

  default String getActivation() { return getOrDefault(activation()); }
  default double getLearningRate() { return (Double) getOrDefault(learningRate()); }
  default int getEpochs() { return (Integer) getOrDefault(epochs()); }
  default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
  default int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency()); }
  default int getNumWorkers() { return (Integer) getOrDefault(numWorkers()); }
  default long getSeed() { return (Long) getOrDefault(seed()); }
  default String getTrainer() { return getOrDefault(trainer()); }

  /** Defaults of the shared training params (set by {@link NeuralDetector} and {@link NeuralModel}). */
  static void setTrainingDefaults(NeuralNetParams p) {
    p.setDefault(p.activation(), "tanh");
    p.setDefault(p.learningRate(), 0.001);
    p.setDefault(p.epochs(), 10);
    p.setDefault(p.batchSize(), 256);
    p.setDefault(p.averagingFrequency(), 5);
    p.setDefault(p.numWorkers(), 0);
    p.setDefault(p.seed(), 42L);
    p.setDefault(p.trainer(), VIGIL_TRAINER);
  }

  /** A layer-size list param's validator: blank (derive from the width) or positive integers, comma separated. */
  static boolean isLayerList(String v) {
    return v.isBlank() || v.matches("\\s*[1-9][0-9]*\\s*(,\\s*[1-9][0-9]*\\s*)*");
  }

  /** The sizes of a non-blank layer list such as "15, 7,2". */
  static int[] parseLayers(String spec) {
    return java.util.Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /** Spark-native parameter averaging ({@link ParameterAveragingTrainer}): fit and pretrain. */
  String VIGIL_TRAINER = "vigil";
  /** dl4j-spark's ParameterAveragingTrainingMaster ({@link Dl4jSparkTrainer}): fit-trained networks only. */
  String DL4J_SPARK_TRAINER = "dl4j-spark";

  static Param<String> trainer(Identifiable p) {
    return new Param<>(p.uid(), "trainer", "'vigil' (Spark-native parameter averaging; default) or 'dl4j-spark'"
        + " (DL4J's ParameterAveragingTrainingMaster, for networks trained by fit: ae only)",
        ParamValidators.inArray(new String[] {VIGIL_TRAINER, DL4J_SPARK_TRAINER}));
  }

  static Param<String> activation(Identifiable p) {
    return new Param<>(p.uid(), "activation", "hidden activation: tanh, relu, sigmoid, leakyrelu, elu or identity (a linear autoencoder)",
        ParamValidators.inArray(new String[] {"tanh", "relu", "sigmoid", "leakyrelu", "elu", "identity"}));
  }

  static DoubleParam learningRate(Identifiable p) {
    return new DoubleParam(p.uid(), "learningRate", "Adam learning rate, > 0", ParamValidators.gt(0.0));
  }

  static IntParam epochs(Identifiable p) {
    return new IntParam(p.uid(), "epochs", "passes over the training rows, >= 1", ParamValidators.gtEq(1));
  }

  static IntParam batchSize(Identifiable p) {
    return new IntParam(p.uid(), "batchSize", "minibatch size per worker, >= 1", ParamValidators.gtEq(1));
  }

  static IntParam averagingFrequency(Identifiable p) {
    return new IntParam(p.uid(), "averagingFrequency", "minibatches each worker fits between two parameter"
        + " averagings, >= 1", ParamValidators.gtEq(1));
  }

  static IntParam numWorkers(Identifiable p) {
    return new IntParam(p.uid(), "numWorkers", "training partitions (workers), >= 0; 0 = the input's partitions",
        ParamValidators.gtEq(0));
  }

  static LongParam seed(Identifiable p) {
    return new LongParam(p.uid(), "seed", "seed of the weights and the per-epoch shuffles; any long");
  }
}
