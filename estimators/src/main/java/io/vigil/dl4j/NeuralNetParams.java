package io.vigil.dl4j;

import io.vigil.core.HasSeed;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * Parameters every DL4J detector shares: hidden activation, Adam learning rate and the
 * parameter-averaging schedule ({@link ParameterAveragingTrainer}).
 */
public interface NeuralNetParams extends HasSeed {

  @Override
  default long defaultSeed() {
    return 42L;
  }

  default Param<String> activation() {
    return defineParam("activation", "tanh", () -> new Param<>(uid(), "activation", "hidden activation: tanh, relu,"
        + " sigmoid, leakyrelu, elu or identity (a linear autoencoder)",
        ParamValidators.inArray(new String[] {"tanh", "relu", "sigmoid", "leakyrelu", "elu", "identity"})));
  }

  default DoubleParam learningRate() {
    return defineParam("learningRate", 0.001, () -> new DoubleParam(uid(), "learningRate", "Adam learning rate, > 0",
        ParamValidators.gt(0.0)));
  }

  default IntParam epochs() {
    return defineParam("epochs", 10, () -> new IntParam(uid(), "epochs", "passes over the training rows, >= 1",
        ParamValidators.gtEq(1)));
  }

  default IntParam batchSize() {
    return defineParam("batchSize", 256, () -> new IntParam(uid(), "batchSize", "minibatch size per worker, >= 1",
        ParamValidators.gtEq(1)));
  }

  /**
   * The default averagingFrequency: 5 minibatches a round; a detector that trains as well with longer rounds
   * says so (each round is a Spark job, whose fixed cost dominates small networks' rounds).
   */
  default int defaultAveragingFrequency() {
    return 5;
  }

  default IntParam averagingFrequency() {
    return defineParam("averagingFrequency", defaultAveragingFrequency(), () -> new IntParam(uid(),
        "averagingFrequency", "minibatches each"
        + " worker fits between two parameter averagings, >= 1", ParamValidators.gtEq(1)));
  }

  default IntParam numWorkers() {
    return defineParam("numWorkers", 0, () -> new IntParam(uid(), "numWorkers", "training partitions (workers),"
        + " >= 0; 0 = the input's partitions", ParamValidators.gtEq(0)));
  }

  default Param<String> trainer() {
    return defineParam("trainer", VIGIL_TRAINER, () -> new Param<>(uid(), "trainer", "'vigil' (Spark-native"
        + " parameter averaging; default) or 'dl4j-spark' (DL4J's ParameterAveragingTrainingMaster, for networks"
        + " trained by fit: ae only)", ParamValidators.inArray(new String[] {VIGIL_TRAINER, DL4J_SPARK_TRAINER})));
  }

  default String getActivation() { return getOrDefault(activation()); }
  default double getLearningRate() { return (Double) getOrDefault(learningRate()); }
  default int getEpochs() { return (Integer) getOrDefault(epochs()); }
  default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
  default int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency()); }
  default int getNumWorkers() { return (Integer) getOrDefault(numWorkers()); }
  default String getTrainer() { return getOrDefault(trainer()); }

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
}
