package io.vigil.threshold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_pop;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Threshold strategies on scores alone. Unlabelled ones read the training scores; the labelled ones
 * (maxF1, maxAccuracy) are chosen on scored validation rows by {@code io.vigil.pipeline.AnomalyPipeline}.
 * None of them may ever see test rows.
 */
public final class Thresholds {

  /** Threshold strategies that need only the training scores (applied during {@code fit}). */
  public static final String CONTAMINATION = "contamination";
  public static final String MEAN_STD = "meanStd";
  public static final String FIXED = "fixed";
  /** Threshold strategies that need labelled validation rows. */
  public static final String MAX_F1 = "maxF1";
  public static final String MAX_ACCURACY = "maxAccuracy";
  public static final String[] STRATEGIES = {CONTAMINATION, MEAN_STD, FIXED, MAX_F1, MAX_ACCURACY};

  /** Relative error of the contamination quantile (Greenwald–Khanna sketch on Spark). */
  public static final double QUANTILE_RELATIVE_ERROR = 1e-4;

  private Thresholds() {}

  /** Whether {@code strategy} needs labelled validation rows. */
  public static boolean isLabelled(String strategy) {
    return strategy.equals(MAX_F1) || strategy.equals(MAX_ACCURACY);
  }

  /**
   * A threshold chosen from training (or calibration) scores, with the share of those rows at or above it.
   *
   * @param strictlyAbove true when ties at the contamination quantile would have flagged more than the
   *     target share, so the threshold is the next double above the quantile: only rows scoring strictly
   *     above it are flagged (the tie rule)
   */
  public record Choice(double threshold, double shareFlagged, boolean strictlyAbove, long rows) {}

  /** The threshold alone; see {@link #choose}. */
  public static double fromTrainingScores(Dataset<Row> scored, String scoreCol, String strategy,
      double contamination, double sigmas) {
    return choose(scored, scoreCol, strategy, contamination, sigmas).threshold();
  }

  /**
   * The threshold from training scores: the (1 - contamination) quantile ('contamination', also the
   * stand-in for the labelled strategies until validation rows choose one), mean + k·stddev ('meanStd').
   *
   * <p>The tie rule: flagging is {@code score >= threshold}, so when many rows tie at the quantile
   * (repeated rows, a score with few distinct values) the share flagged can be far above the target. When
   * the share at or above the quantile exceeds the target by more than the quantile sketch's rank error
   * (plus one row), the threshold moves to the next double above the quantile and only rows strictly above
   * it are flagged: never more than the target share because of ties (possibly fewer).
   *
   * <p>Scores that cannot rank rows are refused ({@link DegenerateScoresException}): all equal, a zero
   * standard deviation for 'meanStd', or a contamination quantile equal to the smallest score (at least
   * 1 - contamination of the rows share the lowest score).
   */
  public static Choice choose(Dataset<Row> scored, String scoreCol, String strategy, double contamination,
      double sigmas) {
    Column score = col(scoreCol);
    Row stats = scored.agg(count(score), min(score), max(score), avg(score), stddev_pop(score)).first();
    long n = stats.getLong(0);
    if (n == 0) {
      throw new IllegalArgumentException("No training scores to choose a threshold from (0 rows).");
    }
    double lo = stats.getDouble(1);
    double hi = stats.getDouble(2);
    if (!(hi > lo)) {
      throw new DegenerateScoresException(String.format("all %d training scores are equal (%s), so no threshold"
          + " can separate any row from the others", n, lo));
    }
    switch (strategy) {
      case MEAN_STD: {
        double sd = stats.getDouble(4);
        double t = stats.getDouble(3) + sigmas * sd;
        return new Choice(t, share(scored, score.geq(t), n), false, n);
      }
      case CONTAMINATION:
      case MAX_F1:
      case MAX_ACCURACY: {
        double q = scored.stat().approxQuantile(scoreCol, new double[] {1.0 - contamination},
            QUANTILE_RELATIVE_ERROR)[0];
        if (!(q > lo)) {
          throw new DegenerateScoresException(String.format("the %.4g quantile of the %d training scores is their"
              + " minimum (%s): at least %.4g of the rows share the lowest score, so the detector ranks almost"
              + " none of them", 1.0 - contamination, n, lo, 1.0 - contamination));
        }
        double atOrAbove = share(scored, score.geq(q), n);
        if (atOrAbove <= contamination + 2 * QUANTILE_RELATIVE_ERROR + 1.0 / n) {
          return new Choice(q, atOrAbove, false, n);
        }
        double above = Math.nextUp(q);
        return new Choice(above, share(scored, score.geq(above), n), true, n);
      }
      default:
        throw new IllegalArgumentException("Threshold strategy '" + strategy + "' does not use training"
            + " scores; use one of contamination, meanStd, or maxF1/maxAccuracy on validation rows.");
    }
  }

  private static double share(Dataset<Row> scored, Column flagged, long n) {
    return (double) scored.where(flagged).count() / n;
  }

  /** Training scores that cannot rank rows: a model built on them would flag all rows or none. */
  public static final class DegenerateScoresException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DegenerateScoresException(String message) {
      super(message);
    }
  }
}
