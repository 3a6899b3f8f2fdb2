package io.vigil.ensemble;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Makes one member's scores comparable with the others', from its training scores (Spark's approximate
 * quantiles: two passes at most, nothing collected but the quantiles).
 *
 * <ul>
 *   <li>{@code robustZ}: {median, scale}; z = (s - median) / scale, scale = 1.4826 MAD (the standard
 *       deviation for normal scores), or the interquartile range / 1.349 when more than half the training
 *       scores are equal (MAD 0), or 1.</li>
 *   <li>{@code rank}: the training scores' quantiles at 0, 0.1%, ..., 100%; r = the interpolated share of
 *       training scores below s, continued linearly above the largest (slope: one whole training range per
 *       unit), so rows beyond every training score still keep their order instead of tying at 1.</li>
 * </ul>
 */
final class Normalization {

  private static final int RANK_POINTS = 1001;
  private static final double RELATIVE_ERROR = 1e-4;

  private Normalization() {}

  static double[] fit(Dataset<Row> scored, String column, String kind) {
    if (kind.equals(EnsembleParams.RANK)) {
      double[] probabilities = new double[RANK_POINTS];
      for (int i = 0; i < RANK_POINTS; i++) {
        probabilities[i] = i / (double) (RANK_POINTS - 1);
      }
      return scored.stat().approxQuantile(column, probabilities, RELATIVE_ERROR);
    }
    double[] quartiles = scored.stat().approxQuantile(column, new double[] {0.25, 0.5, 0.75}, RELATIVE_ERROR);
    double median = quartiles[1];
    double mad = scored.select(abs(col(column).minus(lit(median))).as("deviation")).stat()
        .approxQuantile("deviation", new double[] {0.5}, RELATIVE_ERROR)[0];
    double scale = mad > 0 ? 1.4826 * mad : quartiles[2] > quartiles[0] ? (quartiles[2] - quartiles[0]) / 1.349 : 1.0;
    return new double[] {median, scale};
  }

  static double apply(double score, double[] stats, String kind) {
    if (kind.equals(EnsembleParams.ROBUST_Z)) {
      return (score - stats[0]) / stats[1];
    }
    int n = stats.length;
    double low = stats[0];
    double high = stats[n - 1];
    double range = high > low ? high - low : 1.0;
    if (score >= high) {
      return 1.0 + (score - high) / range;
    }
    if (score <= low) {
      return (score - low) / range;
    }
    // the last quantile <= score; equal quantiles (tied training scores) resolve to the highest of them
    int i = Arrays.binarySearch(stats, score);
    int at = i >= 0 ? lastEqual(stats, i) : -i - 2;
    double span = stats[at + 1] - stats[at];
    double within = span > 0 ? (score - stats[at]) / span : 0.0;
    return (at + within) / (n - 1);
  }

  /**
   * The smallest raw score whose normalised value is at least {@code value} (the inverse of
   * {@link #apply}, which is non-decreasing): the member's own threshold for a normalised one.
   */
  static double invert(double value, double[] stats, String kind) {
    if (kind.equals(EnsembleParams.ROBUST_Z)) {
      return stats[0] + value * stats[1];
    }
    int n = stats.length;
    double low = stats[0];
    double high = stats[n - 1];
    double range = high > low ? high - low : 1.0;
    if (value >= 1.0) {
      return high + (value - 1.0) * range;
    }
    if (value <= 0.0) {
      return low + value * range;
    }
    double position = value * (n - 1);
    int at = Math.min((int) Math.floor(position), n - 2);
    return stats[at] + (position - at) * (stats[at + 1] - stats[at]);
  }

  /** The normalised value of a median training score: 0 for robust z, one half for ranks. */
  static double center(String kind) {
    return kind.equals(EnsembleParams.RANK) ? 0.5 : 0.0;
  }

  private static int lastEqual(double[] sorted, int i) {
    while (i + 1 < sorted.length - 1 && sorted[i + 1] == sorted[i]) {
      i++;
    }
    return Math.min(i, sorted.length - 2);
  }
}
