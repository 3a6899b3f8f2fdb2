package io.vigil.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Score histogram per class with equal-width bins, computed on Spark (only the bin counts reach the
 * driver). Non-negative scores that span more than three orders of magnitude (reconstruction errors
 * usually do) are binned on log10, so both classes stay visible.
 */
public record Histogram(boolean log10Scale, double[] edges, long[] normalCounts, long[] anomalyCounts)
    implements Serializable {

  public static final double LOG_FLOOR = 1e-12;

  public static Histogram compute(Dataset<?> scored, String scoreCol, String labelCol, double minScore,
      double maxScore, int bins) {
    boolean log = minScore >= 0 && maxScore > 0 && maxScore / Math.max(minScore, LOG_FLOOR) > 1e3;
    double lo = log ? Math.log10(Math.max(minScore, LOG_FLOOR)) : minScore;
    double hi = log ? Math.log10(maxScore) : maxScore;
    double width = hi > lo ? (hi - lo) / bins : 1.0;
    Column x = log ? log10(greatest(col(scoreCol).cast("double"), lit(LOG_FLOOR))) : col(scoreCol).cast("double");
    Column bin = least(greatest(floor(x.minus(lit(lo)).divide(lit(width))), lit(0L)), lit((long) bins - 1));
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = lo + i * width;
    }
    long[] normal = new long[bins];
    long[] anomaly = new long[bins];
    for (Row r : scored.groupBy(bin.as("bin"), col(labelCol).cast("double").as("label")).count().collectAsList()) {
      int b = (int) r.getLong(0);
      if (r.getDouble(1) == 1.0) {
        anomaly[b] += r.getLong(2);
      } else {
        normal[b] += r.getLong(2);
      }
    }
    return new Histogram(log, edges, normal, anomaly);
  }
}
