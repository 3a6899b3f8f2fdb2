package io.vigil.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.vigil.core.Schemas;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The ranking quality of a score column against 0/1 labels, computed on Spark without collecting the
 * scores: rows are grouped by distinct score, sorted by score descending, and each partition walks its
 * share of the cumulative confusion counts from an offset (the approach of Spark's
 * {@code BinaryClassificationMetrics}). Ties are handled exactly, so ROC AUC equals scikit-learn's
 * {@code roc_auc_score} and PR AUC is the average precision ({@code average_precision_score}):
 * {@code sum over thresholds of (R_k - R_(k-1)) * P_k}.
 *
 * <p>A threshold t predicts "anomaly" for {@code score >= t}, as {@code AnomalyModel} does.
 */
public final class ScoreCurve implements Serializable {

  /** One point of the curves, at threshold {@code threshold}. */
  public record Point(double threshold, double fpr, double tpr, double precision, double recall)
      implements Serializable {}

  public final long positives;
  public final long negatives;
  public final long distinctScores;
  public final double minScore;
  public final double maxScore;
  public final double rocAuc;
  public final double averagePrecision;
  public final double bestF1Threshold;
  public final double bestF1;
  public final double bestAccuracyThreshold;
  public final double bestAccuracy;
  /** At most about {@code maxPoints} points, by descending threshold, for plots. */
  public final List<Point> points;

  private ScoreCurve(long positives, long negatives, long distinctScores, double minScore, double maxScore,
      double rocAuc, double averagePrecision, double bestF1Threshold, double bestF1,
      double bestAccuracyThreshold, double bestAccuracy, List<Point> points) {
    this.positives = positives;
    this.negatives = negatives;
    this.distinctScores = distinctScores;
    this.minScore = minScore;
    this.maxScore = maxScore;
    this.rocAuc = rocAuc;
    this.averagePrecision = averagePrecision;
    this.bestF1Threshold = bestF1Threshold;
    this.bestF1 = bestF1;
    this.bestAccuracyThreshold = bestAccuracyThreshold;
    this.bestAccuracy = bestAccuracy;
    this.points = points;
  }

  /** Row counts of a labelled score column, after checking that it can be evaluated. */
  record Counts(long rows, long positives, double minScore, double maxScore) implements Serializable {}

  /**
   * Checks the score and label columns (scores finite, labels 0 or 1, no nulls) and counts the rows.
   * Errors name the column and the number of offending rows.
   */
  static Counts checkedCounts(Dataset<?> scored, String scoreCol, String labelCol) {
    Schemas.requireNumericColumn(scored.schema(), scoreCol, "score the rows with a Vigil model first.");
    Schemas.requireNumericColumn(scored.schema(), labelCol,
        "name the 0/1 label column (labelCol / label.col in the config).");
    Column score = col(scoreCol).cast("double");
    Column label = col(labelCol).cast("double");
    Column badScore = Schemas.notFinite(score);
    Column badLabel = label.isNull().or(label.notEqual(lit(0.0)).and(label.notEqual(lit(1.0))));
    Row r = scored.agg(count(lit(1)), sum(when(label.equalTo(lit(1.0)), 1L).otherwise(0L)),
        sum(when(badScore, 1L).otherwise(0L)), sum(when(badLabel, 1L).otherwise(0L)),
        min(when(badScore, null).otherwise(score)), max(when(badScore, null).otherwise(score))).first();
    long rows = r.getLong(0);
    long bad = rows == 0 ? 0 : r.getLong(2);
    long badLabels = rows == 0 ? 0 : r.getLong(3);
    if (bad > 0) {
      throw new IllegalArgumentException(String.format(
          "Column '%s' has %d of %d rows that are null, NaN or infinite; scores must be finite. Check the"
              + " features for NaN/inf (input policy) or the model.", scoreCol, bad, rows));
    }
    if (badLabels > 0) {
      throw new IllegalArgumentException(String.format(
          "Column '%s' has %d of %d rows that are not 0 or 1 (or null); labels must be 0 = normal,"
              + " 1 = anomaly.", labelCol, badLabels, rows));
    }
    return new Counts(rows, rows == 0 ? 0 : r.getLong(1),
        rows == 0 ? Double.NaN : r.getDouble(4), rows == 0 ? Double.NaN : r.getDouble(5));
  }

  /**
   * Computes the curve. Needs at least one positive and one negative row.
   *
   * @param maxPoints how many curve points to keep for plots (>= 2)
   */
  public static ScoreCurve compute(Dataset<?> scored, String scoreCol, String labelCol, int maxPoints) {
    Counts counts = checkedCounts(scored, scoreCol, labelCol);
    long p = counts.positives();
    long n = counts.rows() - p;
    if (p == 0 || n == 0) {
      throw new IllegalArgumentException(String.format(
          "Cannot rank scores against column '%s': it has %d positive and %d negative rows; both are"
              + " needed.", labelCol, p, n));
    }
    JavaPairRDD<Double, long[]> byScore = scored.select(col(scoreCol).cast("double"),
            col(labelCol).cast("double")).javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getDouble(0),
            r.getDouble(1) == 1.0 ? new long[] {1, 0} : new long[] {0, 1}))
        .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})
        .sortByKey(false)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Pass 1: per-partition totals (distinct scores, positives, negatives), in partition order.
      List<long[]> totals = byScore.mapPartitions(it -> {
        long[] t = new long[3];
        while (it.hasNext()) {
          long[] c = it.next()._2();
          t[0]++;
          t[1] += c[0];
          t[2] += c[1];
        }
        return Collections.singletonList(t).iterator();
      }).collect();
      int parts = totals.size();
      long[][] offsets = new long[parts][3];
      long distinct = 0;
      for (int i = 0; i < parts; i++) {
        if (i > 0) {
          for (int j = 0; j < 3; j++) {
            offsets[i][j] = offsets[i - 1][j] + totals.get(i - 1)[j];
          }
        }
        distinct += totals.get(i)[0];
      }
      long step = Math.max(1, (distinct + maxPoints - 2) / Math.max(1, maxPoints - 1)); // ceil
      long lastIndex = distinct - 1;
      // Pass 2: each partition's share of the areas, its best thresholds and its curve points.
      List<Partial> partials = byScore.mapPartitionsWithIndex((idx, it) ->
          Collections.singletonList(walk(it, offsets[idx], p, n, step, lastIndex)).iterator(), true)
          .collect();
      double rocArea = 0;
      double apSum = 0;
      double bestF1 = 0;
      double bestF1T = Math.nextUp(counts.maxScore());
      // Predicting nothing is a candidate too: accuracy n / (p + n).
      double bestAcc = (double) n / (p + n);
      double bestAccT = Math.nextUp(counts.maxScore());
      List<Point> points = new ArrayList<>();
      points.add(new Point(Double.POSITIVE_INFINITY, 0, 0, 1, 0));
      for (Partial part : partials) { // in partition order = descending score
        rocArea += part.rocArea;
        apSum += part.apSum;
        if (part.bestF1 > bestF1) {
          bestF1 = part.bestF1;
          bestF1T = part.bestF1Threshold;
        }
        if (part.bestAccuracy > bestAcc) {
          bestAcc = part.bestAccuracy;
          bestAccT = part.bestAccuracyThreshold;
        }
        points.addAll(part.points);
      }
      return new ScoreCurve(p, n, distinct, counts.minScore(), counts.maxScore(),
          rocArea / ((double) p * n), apSum / p, bestF1T, bestF1, bestAccT, bestAcc, points);
    } finally {
      byScore.unpersist(false);
    }
  }

  /** One partition's contribution. Strict '>' keeps the highest threshold among equal optima. */
  private static final class Partial implements Serializable {
    double rocArea;
    double apSum;
    double bestF1 = -1;
    double bestF1Threshold = Double.NaN;
    double bestAccuracy = -1;
    double bestAccuracyThreshold = Double.NaN;
    final List<Point> points = new ArrayList<>();
  }

  private static Partial walk(Iterator<Tuple2<Double, long[]>> it, long[] offset, long p, long n,
      long step, long lastIndex) {
    Partial part = new Partial();
    long index = offset[0];
    long tp = offset[1];
    long fp = offset[2];
    while (it.hasNext()) {
      Tuple2<Double, long[]> e = it.next();
      double threshold = e._1();
      long prevTp = tp;
      long prevFp = fp;
      tp += e._2()[0];
      fp += e._2()[1];
      // Trapezoid between consecutive ROC points (in count units; divided by p * n at the end).
      part.rocArea += (fp - prevFp) * (tp + prevTp) / 2.0;
      double precision = (double) tp / (tp + fp);
      part.apSum += (tp - prevTp) * precision;
      double f1 = 2.0 * tp / (tp + fp + p);
      if (f1 > part.bestF1) {
        part.bestF1 = f1;
        part.bestF1Threshold = threshold;
      }
      double accuracy = (double) (tp + n - fp) / (p + n);
      if (accuracy > part.bestAccuracy) {
        part.bestAccuracy = accuracy;
        part.bestAccuracyThreshold = threshold;
      }
      if (index % step == 0 || index == lastIndex) {
        part.points.add(new Point(threshold, (double) fp / n, (double) tp / p, precision, (double) tp / p));
      }
      index++;
    }
    return part;
  }
}
