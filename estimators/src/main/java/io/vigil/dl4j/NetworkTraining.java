package io.vigil.dl4j;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** The training step every DL4J detector shares: partition into workers, then parameter averaging. */
public final class NetworkTraining {

  private NetworkTraining() {}

  /** The width of the (validated, non-empty) features column, the dataset's first. */
  public static int width(Dataset<Row> features) {
    return ((Vector) features.first().get(0)).size();
  }

  /**
   * Trains {@code conf} on {@code features} with the detector's averaging schedule and returns DL4J's
   * zip of the trained network.
   */
  public static byte[] train(NeuralNetParams p, Dataset<Row> features, MultiLayerConfiguration conf,
      ParameterAveragingTrainer.Mode mode, String label) {
    return train(p, features, conf, mode, 1, label);
  }

  /** As above; {@code channels}: see {@link ParameterAveragingTrainer.Mode#FIT_SEQUENCE}. */
  public static byte[] train(NeuralNetParams p, Dataset<Row> features, MultiLayerConfiguration conf,
      ParameterAveragingTrainer.Mode mode, int channels, String label) {
    JavaRDD<float[]> rows = workerRows(p, features);
    if (p.getTrainer().equals(NeuralNetParams.DL4J_SPARK_TRAINER)) {
      if (mode != ParameterAveragingTrainer.Mode.FIT_RECONSTRUCTION) {
        throw new IllegalArgumentException("trainer 'dl4j-spark' only calls fit on flat rows, so it cannot train "
            + label + " (" + mode + "); use trainer 'vigil'.");
      }
      return Nd4jArrays.toBytes(Dl4jSparkTrainer.train(conf, rows, p.getBatchSize(), p.getAveragingFrequency(),
          p.getEpochs(), p.getSeed(), label));
    }
    return Nd4jArrays.toBytes(averagingTrainer(p).train(conf, rows, mode, channels, label));
  }

  /** A network of configuration {@code conf} with the flat parameters {@code params} (DL4J's order). */
  public static MultiLayerNetwork network(MultiLayerConfiguration conf, float[] params) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
    net.init();
    net.setParams(Nd4jArrays.row(params));
    return net;
  }

  /** The features (the first column) as FLOAT rows, one partition per worker (numWorkers; 0 keeps the input's partitions). */
  public static JavaRDD<float[]> workerRows(NeuralNetParams p, Dataset<Row> features) {
    int current = features.rdd().getNumPartitions();
    int workers = p.getNumWorkers() > 0 ? p.getNumWorkers() : current;
    Dataset<Row> parts = workers == current ? features : features.repartition(workers);
    return parts.javaRDD().map(r -> Nd4jArrays.toFloats(((Vector) r.get(0)).toArray()));
  }

  /** The averaging trainer with the detector's schedule (batch size, averaging frequency, epochs, seed). */
  public static ParameterAveragingTrainer averagingTrainer(NeuralNetParams p) {
    return averagingTrainer(p, 0);
  }

  /** As above, returning the moving average of the parameters over the rounds ({@code emaDecay} > 0). */
  public static ParameterAveragingTrainer averagingTrainer(NeuralNetParams p, double emaDecay) {
    return new ParameterAveragingTrainer(p.getBatchSize(), p.getAveragingFrequency(), p.getEpochs(), p.getSeed(),
        emaDecay);
  }

  /**
   * Stops training with a clear error when the workers' mean loss is NaN or infinite: averaging a
   * diverged network would only spread NaN parameters into every worker and the saved model.
   */
  static void requireFiniteLoss(double loss, String label, String where) {
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(String.format("%s diverged: mean loss %s in %s; lower the learning rate or"
          + " check the feature scaling.", label, loss, where));
    }
  }
}
