package io.vigil.threshold;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Score drift: the population stability index (PSI) of a run's score distribution against the
 * training scores, over bins cut at the training scores' deciles.
 * {@code PSI = sum_i (a_i - e_i) ln(a_i / e_i)} with shares floored at 1e-4 (an empty bin would make
 * it infinite). Rule of thumb: below 0.1 stable, 0.1 to 0.2 moderate, above 0.2 a shift.
 */
public final class Drift {

  private static final double FLOOR = 1e-4;

  private Drift() {}

  /** Interior bin edges: the distinct deciles of {@code scoreCol} (at most 9 edges, 10 bins). */
  public static double[] edges(Dataset<Row> scores, String scoreCol) {
    double[] probs = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    double[] q = scores.stat().approxQuantile(scoreCol, probs, 1e-4);
    return Arrays.stream(q).filter(Double::isFinite).distinct().sorted().toArray();
  }

  /** The share of rows in each bin of {@code edges} (edges.length + 1 bins); all 0 when empty. */
  public static double[] shares(Dataset<Row> scores, String scoreCol, double[] edges) {
    double[] splits = new double[edges.length + 2];
    splits[0] = Double.NEGATIVE_INFINITY;
    System.arraycopy(edges, 0, splits, 1, edges.length);
    splits[splits.length - 1] = Double.POSITIVE_INFINITY;
    Dataset<Row> binned = new Bucketizer().setInputCol(scoreCol).setOutputCol("__bin").setSplits(splits)
        .setHandleInvalid("keep").transform(scores.select(col(scoreCol)));
    // One row per bin: a few numbers reach the driver, never the scores.
    List<Row> counts = binned.groupBy("__bin").count().collectAsList();
    double[] share = new double[edges.length + 1];
    long total = 0;
    for (Row r : counts) {
      int bin = (int) r.getDouble(0);
      if (bin < share.length) { // bin edges.length + 1 holds NaN scores, which never occur after the checks
        share[bin] += r.getLong(1);
        total += r.getLong(1);
      }
    }
    for (int i = 0; i < share.length && total > 0; i++) {
      share[i] /= total;
    }
    return share;
  }

  /** PSI of {@code actual} against {@code expected} (same bins); NaN if either is empty or they differ. */
  public static double psi(double[] expected, double[] actual) {
    if (expected.length != actual.length || Arrays.stream(expected).sum() == 0 || Arrays.stream(actual).sum() == 0) {
      return Double.NaN;
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], FLOOR);
      double a = Math.max(actual[i], FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
