package io.vigil.bigan;

import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.NeuralNetParams;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * BiGAN detector: an encoder E(x) → z, a generator G(z) → x and a discriminator D(x, z) trained
 * adversarially ({@link BiGanNetwork}), by {@link ParameterAveragingTrainer} on Spark: each minibatch is
 * one discriminator step and one encoder+generator step, and all three networks' parameters (with
 * their Adam state) are averaged every round. Each round logs both players' losses, and training stops
 * with a clear error when either is NaN or infinite. A row's score is
 * {@code alpha * |x - G(E(x))|_1 + (1 - alpha) * |f(x, E(x)) - f(G(E(x)), E(x))|_1}, f = D's last
 * hidden layer; explanations rank the features by {@code alpha * |x_j - G(E(x))_j|}.
 */
public class BiGanDetector extends NeuralDetector<BiGanModel, BiGanDetector> implements BiGanParams {

  public BiGanDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public BiGanDetector(String uid) { super(uid); }

  public BiGanDetector setLatentSize(int v) { return setParam(latentSize(), v); }
  public BiGanDetector setHiddenSize(int v) { return setParam(hiddenSize(), v); }
  public BiGanDetector setAlpha(double v) { return setParam(alpha(), v); }
  public BiGanDetector setCycleWeight(double v) { return setParam(cycleWeight(), v); }
  public BiGanDetector setEmaDecay(double v) { return setParam(emaDecay(), v); }

  BiGanNetwork.Spec spec(int width) {
    return new BiGanNetwork.Spec(width, getLatentSize(), getHiddenSize(), getLearningRate(),
        getCycleWeight(), getActivation());
  }

  @Override
  protected BiGanModel train(Dataset<Row> features, long numRows) {
    if (getTrainer().equals(NeuralNetParams.DL4J_SPARK_TRAINER)) {
      throw new IllegalArgumentException("trainer 'dl4j-spark' only calls fit on one network, so it cannot train"
          + " the BiGAN's alternating discriminator and encoder+generator updates; use trainer 'vigil'.");
    }
    BiGanNetwork.Spec spec = spec(NetworkTraining.width(features));
    float[] params = NetworkTraining.averagingTrainer(this, getEmaDecay()).train(new Step(spec, getSeed()),
        NetworkTraining.workerRows(this, features), uid());
    return new BiGanModel(uid(), BiGanNetwork.toBytes(spec, params), spec.width());
  }

  /**
   * Each task thread's trainer from its last round, reused while the spec is the same: a round restarts it
   * from the averaged parameters instead of building its graphs again.
   */
  private static final ThreadLocal<BiGanNetwork.Trainer> LAST_TRAINER = new ThreadLocal<>();

  /** A worker's round: one discriminator step and one encoder+generator step per minibatch. */
  private record Step(BiGanNetwork.Spec spec, long seed) implements ParameterAveragingTrainer.WorkerStep {
    @Override
    public float[][] initial() {
      BiGanNetwork net = new BiGanNetwork(spec);
      return new float[][] {net.initialParams(seed), new float[2 * net.numParams()]};
    }

    @Override
    public String[] lossNames() {
      return new String[] {"D loss", "E+G loss"};
    }

    @Override
    public float[][] fit(float[] params, float[] state, List<float[]> rows, int batchSize, int iteration,
        long randomSeed) {
      BiGanNetwork.Trainer last = LAST_TRAINER.get();
      BiGanNetwork.Trainer local = last != null && last.network().spec().equals(spec)
          ? last.restart(params, state, iteration, randomSeed)
          : new BiGanNetwork(spec).new Trainer(params, state, iteration, randomSeed);
      LAST_TRAINER.set(local);
      double discriminator = 0;
      double generator = 0;
      int batches = 0;
      for (int b = 0; b < rows.size(); b += batchSize) {
        double[] losses = local.step(io.vigil.dl4j.Nd4jArrays.matrix(
            rows.subList(b, Math.min(rows.size(), b + batchSize)), spec.width()));
        discriminator += losses[0];
        generator += losses[1];
        batches++;
      }
      return new float[][] {local.params(), local.adamState(),
          {(float) (discriminator / batches), (float) (generator / batches)}};
    }
  }

  public static MLReader<BiGanDetector> read() { return new DefaultParamsReader<>(); }

  public static BiGanDetector load(String path) { return read().load(path); }
}
