package io.vigil.ocsvm;

import io.vigil.core.AnomalyDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import smile.anomaly.SVM;
import smile.math.kernel.GaussianKernel;

/**
 * One-class SVM (Schölkopf et al. 2001) with a Gaussian kernel, trained as an ensemble: the training
 * rows are split into {@code numModels} partitions, each partition trains Smile's one-class SVM on a
 * seeded sample of at most {@code maxRowsPerModel} rows, and a row's score is the negated mean decision
 * value of the members (higher = more anomalous; Smile's sign is positive = inlier). Kernel SVM training
 * grows quadratically with rows, so members stay small and train in parallel.
 */
public class OneClassSvmDetector extends AnomalyDetector<OneClassSvmModel, OneClassSvmDetector>
    implements OneClassSvmParams {

  public OneClassSvmDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public OneClassSvmDetector(String uid) { super(uid); }

  public OneClassSvmDetector setNu(double v) { return setParam(nu(), v); }
  public OneClassSvmDetector setGamma(String v) { return setParam(gamma(), v); }
  public OneClassSvmDetector setTol(double v) { return setParam(tol(), v); }
  public OneClassSvmDetector setNumModels(int v) { return setParam(numModels(), v); }
  public OneClassSvmDetector setMaxRowsPerModel(int v) { return setParam(maxRowsPerModel(), v); }
  public OneClassSvmDetector setSeed(long v) { return setParam(seed(), v); }

  @Override
  protected OneClassSvmModel train(Dataset<Row> features, long numRows) {
    int width = ((Vector) features.first().get(0)).size();
    double g = resolveGamma(features, width);
    int members = getNumModels() > 0 ? getNumModels() : features.rdd().getNumPartitions();
    Dataset<Row> parts = members == features.rdd().getNumPartitions() ? features : features.repartition(members);
    double sigma = Math.sqrt(1.0 / (2.0 * g)); // Smile: exp(-|x-y|^2 / (2 sigma^2))
    double nuValue = getNu();
    double tolValue = getTol();
    int cap = getMaxRowsPerModel();
    long seedValue = getSeed();
    List<SvmMember> trained = new ArrayList<>(parts.javaRDD().mapPartitionsWithIndex((idx, it) -> {
      double[][] sample = reservoir(it, cap, new Random(seedValue * 1_000_003L + idx));
      if (sample.length < 2) {
        return Collections.<SvmMember>emptyIterator();
      }
      // Smile's solver starts from MathEx.permutate, drawn from a thread-local RNG: seed it, or the
      // same rows give a slightly different machine on every fit.
      smile.math.MathEx.setSeed(seedValue * 1_000_003L + idx);
      SVM<double[]> svm = SVM.fit(sample, new GaussianKernel(sigma), nuValue, tolValue);
      return Collections.singletonList(new SvmMember(svm.vectors(), svm.weights(), svm.intercept())).iterator();
    }, true).collect());
    if (trained.isEmpty()) {
      throw new IllegalArgumentException("No partition of the " + numRows + " training rows had 2 or more rows;"
          + " lower numModels.");
    }
    return new OneClassSvmModel(uid(), trained.toArray(new SvmMember[0]), g, width);
  }

  /** gamma as a number, or 'scale' = 1 / (d Var(X)) over all values, or 'auto' = 1 / d. */
  double resolveGamma(Dataset<Row> features, int width) {
    String g = getGamma();
    if (g.equals(AUTO)) {
      return 1.0 / width;
    }
    if (!g.equals(SCALE)) {
      return Double.parseDouble(g);
    }
    // Per-partition sums collected and added in partition order: bit-identical from run to run
    // (Summarizer's tree aggregation adds in task-completion order, and SMO amplifies the last bits).
    double count = 0;
    double sum = 0;
    double sumOfSquares = 0;
    for (double[] p : features.javaRDD().mapPartitions(it -> {
      double[] s = new double[3];
      while (it.hasNext()) {
        for (double v : ((Vector) it.next().get(0)).toArray()) {
          s[0]++;
          s[1] += v;
          s[2] += v * v;
        }
      }
      return Collections.singletonList(s).iterator();
    }).collect()) {
      count += p[0];
      sum += p[1];
      sumOfSquares += p[2];
    }
    double mean = sum / count;
    double all = sumOfSquares / count - mean * mean;
    return all > 0 ? 1.0 / (width * all) : 1.0;
  }

  /** A uniform sample of at most {@code cap} rows of the iterator (reservoir sampling, Algorithm R). */
  static double[][] reservoir(java.util.Iterator<Row> it, int cap, Random rnd) {
    List<double[]> sample = new ArrayList<>();
    long seen = 0;
    while (it.hasNext()) {
      double[] x = ((Vector) it.next().get(0)).toArray();
      if (sample.size() < cap) {
        sample.add(x);
      } else {
        long j = (long) (rnd.nextDouble() * (seen + 1));
        if (j < cap) {
          sample.set((int) j, x);
        }
      }
      seen++;
    }
    return sample.toArray(new double[0][]);
  }

  public static MLReader<OneClassSvmDetector> read() { return new DefaultParamsReader<>(); }

  public static OneClassSvmDetector load(String path) { return read().load(path); }
}
