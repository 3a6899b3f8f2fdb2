package io.vigil.threshold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.stddev_pop;

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
   * The threshold from training scores: the (1 - contamination) quantile ('contamination', also the
   * stand-in for the labelled strategies until validation rows choose one), mean + k·stddev ('meanStd').
   */
  public static double fromTrainingScores(Dataset<Row> scored, String scoreCol, String strategy,
      double contamination, double sigmas) {
    switch (strategy) {
      case MEAN_STD: {
        Row r = scored.agg(avg(scoreCol), stddev_pop(scoreCol)).first();
        return r.getDouble(0) + sigmas * r.getDouble(1);
      }
      case CONTAMINATION:
      case MAX_F1:
      case MAX_ACCURACY:
        return scored.stat().approxQuantile(scoreCol, new double[] {1.0 - contamination},
            QUANTILE_RELATIVE_ERROR)[0];
      default:
        throw new IllegalArgumentException("Threshold strategy '" + strategy + "' does not use training"
            + " scores; use one of contamination, meanStd, or maxF1/maxAccuracy on validation rows.");
    }
  }
}
