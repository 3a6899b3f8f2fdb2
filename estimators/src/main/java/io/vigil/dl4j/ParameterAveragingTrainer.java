package io.vigil.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous parameter averaging on Spark itself, for any DL4J {@link MultiLayerNetwork} or any other
 * network whose training a {@link WorkerStep} describes (the BiGAN's alternating updates): the
 * parameters and updater state are broadcast, every partition (worker) fits its local copy on its next
 * {@code averagingFrequency} minibatches, and the copies are averaged; repeated until {@code epochs}
 * passes over the data. Training rows never reach the driver.
 *
 * <p>Unlike dl4j-spark's ParameterAveragingTrainingMaster (which only calls {@code fit}) it can also
 * drive layer-wise {@code pretrain} (a variational autoencoder). Deterministic for the same rows,
 * partitioning and seed: once per epoch each worker shuffles its partition with a seed derived from
 * (seed, epoch, partition) and cuts it into one window per round (so an epoch reads the data once),
 * and the workers' results are collected in partition order and averaged on the driver
 * (Spark's treeAggregate would add them in task-completion order).
 */
public final class ParameterAveragingTrainer implements Serializable {

  private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingTrainer.class);

  /** How each minibatch is applied to the local network. */
  public enum Mode {
    /** {@code net.fit(x, x)}: supervised on the input itself (autoencoders). */
    FIT_RECONSTRUCTION,
    /** {@code net.pretrainLayer(0, x)}: unsupervised layer-wise training (variational autoencoder). */
    PRETRAIN_FIRST_LAYER,
    /**
     * {@code net.fit(s, s)} with each row a sequence stored channel-major ({@code s} = x reshaped to
     * [rows, channels, width / channels], DL4J's NCW layout): recurrent encoder–decoders. One channel
     * reads a row's features as a sequence (the reference's mode); a window of time-ordered rows has
     * one channel per feature.
     */
    FIT_SEQUENCE;

    /** The minibatch as this mode feeds it to the network ({@code channels}: FIT_SEQUENCE's). */
    public INDArray input(INDArray x, int channels) {
      return this == FIT_SEQUENCE ? x.reshape('c', x.size(0), channels, x.size(1) / channels) : x;
    }
  }

  private final int batchSize;
  private final int averagingFrequency;
  private final int epochs;
  private final long seed;
  private final double emaDecay;

  public ParameterAveragingTrainer(int batchSize, int averagingFrequency, int epochs, long seed) {
    this(batchSize, averagingFrequency, epochs, seed, 0);
  }

  /**
   * {@code emaDecay} in [0, 1): the trainer returns an exponential moving average of the averaged
   * parameters over the rounds (each round: ema = decay * ema + (1 - decay) * parameters), instead of the
   * last round's; 0 = the last round's. Averaging a GAN's weights over its training steadies what the
   * adversarial game leaves oscillating (Yazici et al. 2019, "The unusual effectiveness of averaging in
   * GAN training"); the optimiser state is not averaged this way.
   */
  public ParameterAveragingTrainer(int batchSize, int averagingFrequency, int epochs, long seed, double emaDecay) {
    if (emaDecay < 0 || emaDecay >= 1) {
      throw new IllegalArgumentException("emaDecay must be in [0, 1), got " + emaDecay + ".");
    }
    this.emaDecay = emaDecay;
    if (batchSize < 1 || averagingFrequency < 1 || epochs < 1) {
      throw new IllegalArgumentException(String.format("batchSize, averagingFrequency and epochs must be >= 1,"
          + " got %d, %d, %d.", batchSize, averagingFrequency, epochs));
    }
    this.batchSize = batchSize;
    this.averagingFrequency = averagingFrequency;
    this.epochs = epochs;
    this.seed = seed;
  }

  /**
   * What one worker does in a round, for any network: start from the shared parameters and optimiser
   * state, fit on the round's rows in minibatches, and return its new parameters, state and losses.
   */
  public interface WorkerStep extends Serializable {
    /** The starting {parameters, optimiser state} (built on the driver). */
    float[][] initial();

    /** The names of the losses {@link #fit} reports, e.g. {"loss"} or {"D loss", "E+G loss"}. */
    String[] lossNames();

    /**
     * Fits a local copy made from {@code params} and {@code state} on {@code rows}; {@code iteration} is
     * the global step count so far and {@code randomSeed} seeds this worker's round. Returns
     * {parameters, state, mean loss per name}.
     */
    float[][] fit(float[] params, float[] state, List<float[]> rows, int batchSize, int iteration, long randomSeed);
  }

  /**
   * Trains a network of configuration {@code conf} on {@code rows} (one worker per partition; the
   * caller partitions; {@code channels}: see {@link Mode#FIT_SEQUENCE}). Returns the averaged network.
   */
  public MultiLayerNetwork train(MultiLayerConfiguration conf, JavaRDD<float[]> rows, Mode mode, int channels,
      String label) {
    return NetworkTraining.network(conf, train(new NetworkStep(conf, mode, channels), rows, label));
  }

  /**
   * Trains with {@code step} on {@code rows} (one worker per partition; the caller partitions) and returns
   * the averaged parameters.
   */
  public float[] train(WorkerStep step, JavaRDD<float[]> rows, String label) {
    Nd4jArrays.setUpTask();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.context());
    JavaRDD<float[]> data = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Long> sizes = data.mapPartitions(it -> {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        return Collections.singletonList(n).iterator();
      }).collect();
      long maxPartition = Collections.max(sizes);
      long total = sizes.stream().mapToLong(Long::longValue).sum();
      if (total == 0) {
        throw new IllegalArgumentException("No training rows for " + label + ".");
      }
      long window = (long) batchSize * averagingFrequency;
      int roundsPerEpoch = (int) ((maxPartition + window - 1) / window);

      float[][] start = step.initial();
      float[] params = start[0];
      float[] updater = start[1];
      String[] lossNames = step.lossNames();
      float[] ema = null;
      int iteration = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        // Shuffle each partition once per epoch and cut it into its rounds' windows; the rounds then
        // pick their window directly (one pass over the data per epoch, not one per round).
        JavaRDD<float[][][]> windows = shuffledWindows(data, epoch).persist(StorageLevel.MEMORY_AND_DISK());
        try {
          for (int round = 0; round < roundsPerEpoch; round++) {
            long roundStart = System.nanoTime();
            jsc.setJobGroup("vigil-train-" + label, String.format("Vigil %s: parameter averaging, epoch %d/%d,"
                + " round %d/%d", label, epoch + 1, epochs, round + 1, roundsPerEpoch), false);
            Broadcast<float[][]> shared = jsc.broadcast(new float[][] {params, updater});
            final int e = epoch;
            final int r = round;
            final int it0 = iteration;
            List<float[][]> results = windows.mapPartitionsWithIndex((idx, it) -> Collections.singletonList(
                it.hasNext() ? fitWindow(step, shared.value(), it.next(), idx, e, r, it0) : null)
                .iterator(), true).collect();
            shared.destroy();
            float[][] averaged = average(results, params.length, updater.length);
            if (averaged == null) {
              continue;
            }
            params = averaged[0];
            updater = averaged[1];
            if (emaDecay > 0) {
              ema = ema == null ? params.clone() : movingAverage(ema, params, emaDecay);
            }
            float[] losses = averaged[2];
            long processed = (long) averaged[3][0];
            StringBuilder lossText = new StringBuilder();
            for (int i = 0; i < lossNames.length; i++) {
              NetworkTraining.requireFiniteLoss(losses[i], label + " (" + lossNames[i] + ")",
                  String.format("epoch %d round %d", epoch + 1, round + 1));
              lossText.append(String.format("mean %s %.6f, ", lossNames[i], losses[i]));
            }
            iteration += averagingFrequency;
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            LOG.info(String.format("%s epoch %d/%d round %d/%d: %s%d rows, %.0f rows/s", label,
                epoch + 1, epochs, round + 1, roundsPerEpoch, lossText, processed, processed / seconds));
          }
        } finally {
          windows.unpersist(false);
        }
      }
      return ema != null ? ema : params;
    } finally {
      data.unpersist(false);
    }
  }

  /** ema = decay * ema + (1 - decay) * latest, in place. */
  static float[] movingAverage(float[] ema, float[] latest, double decay) {
    float keep = (float) decay;
    float take = (float) (1 - decay);
    for (int i = 0; i < ema.length; i++) {
      ema[i] = keep * ema[i] + take * latest[i];
    }
    return ema;
  }

  /**
   * Each partition as one element: its rows shuffled with a seed derived from (seed, epoch, partition)
   * and cut into windows of {@code averagingFrequency} minibatches, one window per round.
   */
  private JavaRDD<float[][][]> shuffledWindows(JavaRDD<float[]> data, int epoch) {
    int window = batchSize * averagingFrequency;
    return data.mapPartitionsWithIndex((partition, it) -> {
      List<float[]> rows = new ArrayList<>();
      it.forEachRemaining(rows::add);
      Collections.shuffle(rows, new Random(seed * 1_000_003L + epoch * 7919L + partition));
      float[][][] windows = new float[(rows.size() + window - 1) / window][][];
      for (int w = 0; w < windows.length; w++) {
        windows[w] = rows.subList(w * window, Math.min(rows.size(), (w + 1) * window)).toArray(new float[0][]);
      }
      return Collections.singletonList(windows).iterator();
    }, true);
  }

  /** One worker's round: fits its local copy on the round's window of its partition; null if none left. */
  private float[][] fitWindow(WorkerStep step, float[][] shared, float[][][] windows, int partition, int epoch,
      int round, int iteration) {
    Nd4jArrays.setUpTask();
    if (round >= windows.length) {
      return null;
    }
    if (round == 0) { // once per epoch and worker: shows in each executor's log which workers trained
      org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
      LOG.info(String.format("Vigil training worker: partition %d, epoch %d, %d windows, on executor %s", partition,
          epoch + 1, windows.length, env == null ? "?" : env.executorId()));
    }
    float[][] out = step.fit(shared[0], shared[1], Arrays.asList(windows[round]), batchSize, iteration,
        seed * 1_000_003L + epoch * 7919L + round * 104_729L + partition);
    return new float[][] {out[0], out[1], out[2], {windows[round].length}};
  }

  /**
   * The DL4J {@link MultiLayerNetwork} step: {@code fit} or {@code pretrainLayer} per minibatch, by mode. For
   * {@code fit} each executor thread builds its network once per configuration and keeps it across rounds (each
   * round sets the shared parameters, optimiser state and step count into it) instead of parsing the
   * configuration and initialising a network every round.
   */
  private static final class NetworkStep implements WorkerStep {
    /** This thread's networks by configuration JSON (the last few: a long-lived executor trains many models). */
    private static final ThreadLocal<Map<String, MultiLayerNetwork>> LOCAL_NETWORKS = ThreadLocal.withInitial(
        () -> new LinkedHashMap<>(4, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, MultiLayerNetwork> eldest) {
            return size() > 4;
          }
        });

    private final String confJson;
    private final Mode mode;
    private final int channels;

    NetworkStep(MultiLayerConfiguration conf, Mode mode, int channels) {
      this.confJson = conf.toJson();
      this.mode = mode;
      this.channels = channels;
    }

    @Override
    public float[][] initial() {
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(confJson));
      net.init();
      INDArray state = net.getUpdater().getStateViewArray();
      return new float[][] {net.params().castTo(DataType.FLOAT).toFloatVector(),
          state == null ? new float[0] : state.castTo(DataType.FLOAT).toFloatVector()};
    }

    @Override
    public String[] lossNames() {
      return new String[] {"loss"};
    }

    private static MultiLayerNetwork built(String confJson) {
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(confJson));
      net.init();
      return net;
    }

    @Override
    public float[][] fit(float[] params, float[] updater, List<float[]> rows, int batchSize, int iteration,
        long randomSeed) {
      // pretrainLayer fits through the layer's own updater, which the layer keeps from one fit to the next and
      // the round cannot reset: a pretraining network is built afresh each round, as dl4j-spark does.
      MultiLayerNetwork local = mode == Mode.PRETRAIN_FIRST_LAYER ? built(confJson)
          : LOCAL_NETWORKS.get().computeIfAbsent(confJson, NetworkStep::built);
      local.setParams(Nd4j.create(params, new long[] {1, params.length}, 'c').castTo(DataType.FLOAT));
      local.getLayerWiseConfigurations().setIterationCount(iteration); // Adam's bias correction: the global step
      local.getLayerWiseConfigurations().setEpochCount(0);
      if (updater.length > 0) {
        local.getUpdater().setStateViewArray(local,
            Nd4j.create(updater, new long[] {1, updater.length}, 'c').castTo(DataType.FLOAT), false);
      }
      // A VAE samples its latent noise from ND4J's global RNG: seed it per (epoch, round, worker).
      Nd4j.getRandom().setSeed(randomSeed);
      int width = rows.get(0).length;
      double lossSum = 0;
      int batches = 0;
      for (int b = 0; b < rows.size(); b += batchSize) {
        INDArray x = Nd4jArrays.matrix(rows.subList(b, Math.min(rows.size(), b + batchSize)), width);
        if (mode != Mode.PRETRAIN_FIRST_LAYER) {
          INDArray input = mode.input(x, channels);
          local.fit(input, input);
          lossSum += local.score();
        } else {
          local.pretrainLayer(0, x);
          lossSum += local.getLayer(0).score(); // the network's score covers only an output layer
        }
        batches++;
      }
      INDArray state = local.getUpdater().getStateViewArray();
      return new float[][] {local.params().castTo(DataType.FLOAT).toFloatVector(),
          state == null ? new float[0] : state.castTo(DataType.FLOAT).toFloatVector(),
          {(float) (lossSum / batches)}};
    }
  }

  /**
   * Mean of the workers' parameters and updater states (in partition order), their row-weighted mean
   * losses and the rows they fitted; null if none had data.
   */
  private static float[][] average(List<float[][]> results, int numParams, int numState) {
    double[] p = new double[numParams];
    double[] u = new double[numState];
    double[] loss = null;
    double rows = 0;
    int workers = 0;
    for (float[][] r : results) {
      if (r == null) {
        continue;
      }
      workers++;
      for (int i = 0; i < numParams; i++) {
        p[i] += r[0][i];
      }
      for (int i = 0; i < numState; i++) {
        u[i] += r[1][i];
      }
      loss = loss == null ? new double[r[2].length] : loss;
      for (int i = 0; i < loss.length; i++) {
        loss[i] += (double) r[2][i] * r[3][0];
      }
      rows += r[3][0];
    }
    if (workers == 0) {
      return null;
    }
    float[] params = new float[numParams];
    float[] state = new float[numState];
    for (int i = 0; i < numParams; i++) {
      params[i] = (float) (p[i] / workers);
    }
    for (int i = 0; i < numState; i++) {
      state[i] = (float) (u[i] / workers);
    }
    float[] meanLoss = new float[loss.length];
    for (int i = 0; i < loss.length; i++) {
      meanLoss[i] = (float) (loss[i] / rows);
    }
    return new float[][] {params, state, meanLoss, {(float) rows}};
  }
}
