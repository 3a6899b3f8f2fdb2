package io.vigil.threshold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.stddev_pop;

import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.eval.ScoreCurve;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Threshold strategies. Unlabelled ones read the training scores; labelled ones read scored
 * validation rows. None of them may ever see test rows: the jobs pass only train or validation data.
 */
public final class Thresholds {

  /** Relative error of the contamination quantile (Greenwald–Khanna sketch on Spark). */
  public static final double QUANTILE_RELATIVE_ERROR = 1e-4;

  private Thresholds() {}

  /**
   * The threshold from training scores: the (1 - contamination) quantile ('contamination', also the
   * stand-in for the labelled strategies until {@link #tune} runs), mean + k·stddev ('meanStd').
   */
  public static double fromTrainingScores(Dataset<Row> scored, String scoreCol, String strategy,
      double contamination, double sigmas) {
    switch (strategy) {
      case SharedParams.MEAN_STD: {
        Row r = scored.agg(avg(scoreCol), stddev_pop(scoreCol)).first();
        return r.getDouble(0) + sigmas * r.getDouble(1);
      }
      case SharedParams.CONTAMINATION:
      case SharedParams.MAX_F1:
      case SharedParams.MAX_ACCURACY:
        return scored.stat().approxQuantile(scoreCol, new double[] {1.0 - contamination},
            QUANTILE_RELATIVE_ERROR)[0];
      default:
        throw new IllegalArgumentException("Threshold strategy '" + strategy + "' does not use training"
            + " scores; use one of contamination, meanStd, or tune maxF1/maxAccuracy on validation rows.");
    }
  }

  /**
   * Chooses the threshold that maximises {@code metric} ('maxF1' or 'maxAccuracy') on labelled
   * validation rows, sets it on {@code model} and returns it. {@code scoredValidation} holds the
   * model's scores ({@code model.getScoreCol()}) and the 0/1 {@code labelCol}.
   */
  public static double tune(AnomalyModel<?> model, Dataset<?> scoredValidation, String labelCol,
      String metric) {
    return apply(model, ScoreCurve.compute(scoredValidation, model.getScoreCol(), labelCol, 2), metric);
  }

  /** As {@link #tune}, from a curve already computed on the validation rows. */
  public static double apply(AnomalyModel<?> model, ScoreCurve curve, String metric) {
    double t;
    switch (metric) {
      case SharedParams.MAX_F1:
        t = curve.bestF1Threshold;
        break;
      case SharedParams.MAX_ACCURACY:
        t = curve.bestAccuracyThreshold;
        break;
      default:
        throw new IllegalArgumentException("Labelled threshold metric must be maxF1 or maxAccuracy, got '"
            + metric + "'.");
    }
    model.setThreshold(t, metric);
    return t;
  }

  /** The detector model at the end of a fitted pipeline, or an error saying what is there instead. */
  public static AnomalyModel<?> detectorOf(PipelineModel pipeline) {
    Transformer[] stages = pipeline.stages();
    Transformer last = stages.length == 0 ? null : stages[stages.length - 1];
    if (!(last instanceof AnomalyModel)) {
      throw new IllegalArgumentException("The pipeline's last stage must be a Vigil detector model, but is "
          + (last == null ? "missing (no stages)" : last.getClass().getName()) + ".");
    }
    return (AnomalyModel<?>) last;
  }
}
