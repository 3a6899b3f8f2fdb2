package io.vigil.iforest;

import io.vigil.core.AnomalyDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Isolation Forest: anomalies are few and different, so random axis-parallel splits isolate them in
 * fewer steps. Score = 2^(-E[h(x)] / c(psi)) in (0, 1], higher = more anomalous (Liu et al. 2008).
 *
 * <p>Distributed as in linkedin/isolation-forest: every partition draws, for each tree, a seeded sample
 * of its rows; rows are shuffled to their tree, and each tree is grown on an executor from at most
 * psi rows. Only the grown trees reach the driver. Seeded and order-independent: the same rows in the
 * same partitions give the same forest.
 */
public class IsolationForestDetector extends AnomalyDetector<IsolationForestModel, IsolationForestDetector>
    implements IsolationForestParams {

  /** Draw a little more than psi rows per tree so that sampling noise rarely leaves a tree short. */
  private static final double OVERSAMPLE = 1.2;

  public IsolationForestDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public IsolationForestDetector(String uid) { super(uid); }

  public IsolationForestDetector setNumEstimators(int v) { return setParam(numEstimators(), v); }
  public IsolationForestDetector setMaxSamples(double v) { return setParam(maxSamples(), v); }
  public IsolationForestDetector setMaxFeatures(double v) { return setParam(maxFeatures(), v); }
  public IsolationForestDetector setBootstrap(boolean v) { return setParam(bootstrap(), v); }
  public IsolationForestDetector setSeed(long v) { return setParam(seed(), v); }

  @Override
  protected IsolationForestModel train(Dataset<Row> features, long numRows) {
    int width = ((Vector) features.first().get(0)).size();
    int trees = getNumEstimators();
    int psi = (int) Math.max(1, getMaxSamples() > 1 ? Math.min(getMaxSamples(), numRows)
        : Math.ceil(getMaxSamples() * numRows));
    int numFeaturesPerTree = (int) Math.max(1, getMaxFeatures() > 1 ? Math.min(getMaxFeatures(), width)
        : Math.ceil(getMaxFeatures() * width));
    double fraction = Math.min(1.0, OVERSAMPLE * psi / numRows);
    boolean withReplacement = getBootstrap();
    long seed = getSeed();

    // (tree, (priority, row)): the priority is a seeded hash of (tree, partition, row number), so which
    // psi rows a tree keeps does not depend on shuffle order.
    JavaPairRDD<Integer, Tuple2<Long, double[]>> byTree = features.javaRDD().mapPartitionsWithIndex((part, it) -> {
      Random rnd = new Random(mix(seed, part, -1));
      List<Tuple2<Integer, Tuple2<Long, double[]>>> out = new ArrayList<>();
      long rowNumber = 0;
      while (it.hasNext()) {
        double[] x = ((Vector) it.next().get(0)).toArray();
        for (int t = 0; t < trees; t++) {
          int copies = withReplacement ? poisson(rnd, fraction) : (rnd.nextDouble() < fraction ? 1 : 0);
          for (int c = 0; c < copies; c++) {
            out.add(new Tuple2<>(t, new Tuple2<>(mix(seed, part, rowNumber * 131 + c) ^ t, x)));
          }
        }
        rowNumber++;
      }
      return out.iterator();
    }, true).mapToPair(t -> t);

    List<Tuple2<Integer, IsolationTree>> grown = byTree.groupByKey(Math.max(1, Math.min(trees,
            features.sparkSession().sparkContext().defaultParallelism())))
        .mapToPair(group -> {
          List<Tuple2<Long, double[]>> rows = new ArrayList<>();
          group._2().forEach(rows::add);
          rows.sort(Comparator.comparingLong(Tuple2::_1));
          double[][] sample = new double[Math.min(psi, rows.size())][];
          for (int i = 0; i < sample.length; i++) {
            sample[i] = rows.get(i)._2();
          }
          Random rnd = new Random(mix(seed, group._1(), Long.MAX_VALUE));
          int[] chosen = chooseFeatures(width, numFeaturesPerTree, rnd);
          int heightLimit = (int) Math.ceil(Math.log(Math.max(2, psi)) / Math.log(2));
          return new Tuple2<>(group._1(), IsolationTree.grow(sample, chosen, heightLimit, rnd));
        }).collect();
    IsolationTree[] forest = new IsolationTree[grown.size()];
    List<Tuple2<Integer, IsolationTree>> sorted = new ArrayList<>(grown);
    sorted.sort(Comparator.comparingInt(Tuple2::_1));
    for (int i = 0; i < forest.length; i++) {
      forest[i] = sorted.get(i)._2();
    }
    return new IsolationForestModel(uid(), forest, psi, width);
  }

  static int[] chooseFeatures(int width, int count, Random rnd) {
    int[] all = new int[width];
    for (int i = 0; i < width; i++) {
      all[i] = i;
    }
    for (int i = width - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] chosen = Arrays.copyOf(all, count);
    Arrays.sort(chosen);
    return chosen;
  }

  private static int poisson(Random rnd, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = rnd.nextDouble();
    while (p > l) {
      k++;
      p *= rnd.nextDouble();
    }
    return k;
  }

  /** A well-mixed 64-bit hash of (seed, a, b) (SplitMix64 finaliser). */
  static long mix(long seed, long a, long b) {
    long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static MLReader<IsolationForestDetector> read() { return new DefaultParamsReader<>(); }

  public static IsolationForestDetector load(String path) { return read().load(path); }
}
