package io.vigil.core;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.Identifiable;

/**
 * Factories for the parameters every detector and model shares, so that each one's name, doc and
 * validator is written once (the role of Spark's {@code param/shared/sharedParams.scala}).
 *
 * <p>Spark's validators only say "given invalid value", so each doc states the allowed range.
 */
public final class SharedParams {

  /** Threshold strategies that need only the training scores (applied during {@code fit}). */
  public static final String CONTAMINATION = "contamination";
  public static final String MEAN_STD = "meanStd";
  public static final String FIXED = "fixed";
  /** Threshold strategies that need labelled validation rows (applied by {@code Thresholds.tune}). */
  public static final String MAX_F1 = "maxF1";
  public static final String MAX_ACCURACY = "maxAccuracy";
  public static final String[] THRESHOLD_STRATEGIES = {CONTAMINATION, MEAN_STD, FIXED, MAX_F1, MAX_ACCURACY};

  private SharedParams() {}

  public static Param<String> featuresCol(Identifiable parent) {
    return new Param<>(parent.uid(), "featuresCol",
        "name of the input Vector column of features (numeric, fixed width)");
  }

  public static Param<String> scoreCol(Identifiable parent) {
    return new Param<>(parent.uid(), "scoreCol",
        "name of the output anomaly score column (double; higher = more anomalous)");
  }

  public static Param<String> predictionCol(Identifiable parent) {
    return new Param<>(parent.uid(), "predictionCol",
        "name of the output label column (double: 1.0 = anomaly when score >= threshold, else 0.0)");
  }

  public static Param<String> thresholdStrategy(Identifiable parent) {
    return new Param<>(parent.uid(), "thresholdStrategy",
        "how the threshold is chosen: 'contamination' (the (1 - contamination) quantile of the training"
            + " scores), 'meanStd' (mean + thresholdSigmas * stddev of the training scores), 'fixed' (the"
            + " threshold param as given), 'maxF1' or 'maxAccuracy' (best on labelled validation rows, set"
            + " by Thresholds.tune after fit; until then the contamination quantile stands in)",
        ParamValidators.inArray(THRESHOLD_STRATEGIES));
  }

  public static DoubleParam contamination(Identifiable parent) {
    return new DoubleParam(parent.uid(), "contamination",
        "expected share of anomalies in the training rows, in (0, 0.5]; used by thresholdStrategy"
            + " 'contamination'",
        ParamValidators.inRange(0.0, 0.5, false, true));
  }

  public static DoubleParam thresholdSigmas(Identifiable parent) {
    return new DoubleParam(parent.uid(), "thresholdSigmas",
        "k in mean + k * stddev of the training scores, > 0; used by thresholdStrategy 'meanStd'",
        ParamValidators.gt(0.0));
  }

  public static DoubleParam threshold(Identifiable parent) {
    return new DoubleParam(parent.uid(), "threshold",
        "score at or above which a row is labelled an anomaly; any finite value. Set by fit (or"
            + " Thresholds.tune) unless thresholdStrategy is 'fixed'");
  }

  public static LongParam seed(Identifiable parent) {
    return new LongParam(parent.uid(), "seed", "random seed; any long");
  }

  public static LongParam numTrainingRows(Identifiable parent) {
    return new LongParam(parent.uid(), "numTrainingRows",
        "number of rows the model was fit on (set by fit; >= 1)", ParamValidators.gtEq(1));
  }

  public static IntParam numFeatures(Identifiable parent) {
    return new IntParam(parent.uid(), "numFeatures",
        "width of the feature vector the model was fit on (set by fit; >= 1)", ParamValidators.gtEq(1));
  }

  public static IntParam explainTopK(Identifiable parent) {
    return new IntParam(parent.uid(), "explainTopK",
        "when > 0, also write each feature's contribution to the score (<scoreCol>_contributions) and the"
            + " names of the explainTopK largest contributors (<scoreCol>_top_features); 0 = no explanations",
        ParamValidators.gtEq(0));
  }

  public static org.apache.spark.ml.param.StringArrayParam featureNames(Params parent) {
    return new org.apache.spark.ml.param.StringArrayParam(parent, "featureNames",
        "names of the features, in vector order (set by fit from the features column's ML attributes)");
  }

  public static org.apache.spark.ml.param.DoubleArrayParam featureMeans(Params parent) {
    return new org.apache.spark.ml.param.DoubleArrayParam(parent, "featureMeans",
        "each feature's mean over the training rows, in vector order (set by fit): the baseline a"
            + " perturbation explanation puts in a feature's place");
  }

  /** Sets the shared defaults on a detector or model; called once from each constructor. */
  static void setDefaults(DetectorParams p) {
    Params params = p;
    params.setDefault(p.featuresCol(), "features");
    params.setDefault(p.scoreCol(), "score");
    params.setDefault(p.predictionCol(), "prediction");
    params.setDefault(p.thresholdStrategy(), CONTAMINATION);
    params.setDefault(p.contamination(), 0.01);
    params.setDefault(p.thresholdSigmas(), 3.0);
    params.setDefault(p.threshold(), Double.NaN);
    params.setDefault(p.explainTopK(), 0);
  }
}
