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
import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;

/**
 * One-class SVM (Schölkopf et al. 2001) with a Gaussian kernel, trained as an ensemble: the training
 * rows are split into {@code numModels} partitions, each partition trains LIBSVM's one-class SVM (Chang and
 * Lin; BSD-3-Clause, the solver scikit-learn's OneClassSVM wraps) on a seeded sample of at most
 * {@code maxRowsPerModel} rows, and a row's score is the negated mean decision value of the members (higher =
 * more anomalous; LIBSVM's sign is positive = inlier). Kernel SVM training grows quadratically with rows, so
 * members stay small and train in parallel.
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
    double nuValue = getNu();
    double tolValue = getTol();
    int cap = getMaxRowsPerModel();
    long seedValue = getSeed();
    List<SvmMember> trained = new ArrayList<>(parts.javaRDD().mapPartitionsWithIndex((idx, it) -> {
      double[][] sample = reservoir(it, cap, new Random(seedValue * 1_000_003L + idx));
      if (sample.length < 2) {
        return Collections.<SvmMember>emptyIterator();
      }
      return Collections.singletonList(trainLibsvm(sample, g, nuValue, tolValue)).iterator();
    }, true).collect());
    if (trained.isEmpty()) {
      throw new IllegalArgumentException("No partition of the " + numRows + " training rows had 2 or more rows;"
          + " lower numModels.");
    }
    return new OneClassSvmModel(uid(), trained.toArray(new SvmMember[0]), g, width);
  }

  // LIBSVM's print function, set once: its training log goes nowhere (it writes to stdout otherwise).
  static {
    svm.svm_set_print_string_function(line -> { });
  }

  /**
   * One member: LIBSVM's one-class SVM with the Gaussian kernel exp(-gamma |x - y|^2) on {@code rows}. Its
   * solver is deterministic for the same rows in the same order (one-class training draws no random numbers).
   */
  public static SvmMember trainLibsvm(double[][] rows, double gamma, double nu, double tol) {
    svm_problem problem = new svm_problem();
    problem.l = rows.length;
    problem.y = new double[rows.length];
    problem.x = new svm_node[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      problem.x[i] = nodes(rows[i]);
    }
    svm_parameter param = new svm_parameter();
    param.svm_type = svm_parameter.ONE_CLASS;
    param.kernel_type = svm_parameter.RBF;
    param.gamma = gamma;
    param.nu = nu;
    param.eps = tol;
    param.cache_size = 200; // MB of kernel rows, LIBSVM's and scikit-learn's default
    param.shrinking = 1;
    param.probability = 0;
    param.nr_weight = 0;
    param.weight_label = new int[0];
    param.weight = new double[0];
    String error = svm.svm_check_parameter(problem, param);
    if (error != null) {
      throw new IllegalArgumentException("LIBSVM refused the one-class SVM parameters: " + error);
    }
    svm_model model = svm.svm_train(problem, param);
    int width = rows[0].length;
    double[][] vectors = new double[model.l][width];
    for (int i = 0; i < model.l; i++) {
      for (svm_node node : model.SV[i]) {
        vectors[i][node.index] = node.value;
      }
    }
    // LIBSVM's decision is sum_i coef_i K(x, sv_i) - rho
    return new SvmMember(vectors, model.sv_coef[0].clone(), -model.rho[0]);
  }

  /** A dense row as LIBSVM nodes (0-based indices; zeros left out, as LIBSVM's sparse format expects). */
  private static svm_node[] nodes(double[] row) {
    List<svm_node> out = new ArrayList<>(row.length);
    for (int j = 0; j < row.length; j++) {
      if (row[j] != 0.0) {
        svm_node n = new svm_node();
        n.index = j;
        n.value = row[j];
        out.add(n);
      }
    }
    return out.toArray(new svm_node[0]);
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
