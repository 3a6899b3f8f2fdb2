package io.vigil.core;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The parameters every detector and its model share, each defined once here (name, doc, validator,
 * default) through {@link #defineParam}; each detector's own {@code *Params} interface extends this one
 * and is implemented by both its Estimator and its Model, so a param is written exactly once.
 *
 * <p>Spark's validators only say "given invalid value", so each doc states the allowed range.
 */
public interface DetectorParams extends Params {

  /** Where this instance keeps its params ({@link ParamRegistry}); one per instance. */
  ParamRegistry paramRegistry();

  /**
   * This instance's param {@code name}: made by {@code make} on first use, with {@code defaultValue}
   * (null = no default). Every param accessor of a {@code *Params} interface is one call of this.
   */
  default <T, P extends Param<T>> P defineParam(String name, T defaultValue, Supplier<P> make) {
    return paramRegistry().get(name, defaultValue, make);
  }

  /** Defaults that differ from the shared definitions', by param name (e.g. the BiGAN's learning rate). */
  default Map<String, Object> defaultOverrides() {
    return Map.of();
  }

  /** What to change when the training scores cannot rank rows (all equal, or mostly tied at the minimum). */
  default String degenerateScoresHint() {
    return "Check that the training rows vary in the features (the feature list, the scaler), or add rows.";
  }

  /** The detector's name in configs and on the command line (e.g. {@code pca}); also the uid prefix. */
  String detectorName();

  default Param<String> featuresCol() {
    return defineParam("featuresCol", "features", () -> new Param<>(uid(), "featuresCol",
        "name of the input Vector column of features (numeric, fixed width)"));
  }

  default Param<String> scoreCol() {
    return defineParam("scoreCol", "score", () -> new Param<>(uid(), "scoreCol",
        "name of the output anomaly score column (double; higher = more anomalous)"));
  }

  default Param<String> predictionCol() {
    return defineParam("predictionCol", "prediction", () -> new Param<>(uid(), "predictionCol",
        "name of the output label column (double: 1.0 = anomaly when score >= threshold, else 0.0)"));
  }

  default Param<String> thresholdStrategy() {
    return defineParam("thresholdStrategy", SharedParams.CONTAMINATION, () -> new Param<>(uid(), "thresholdStrategy",
        "how the threshold is chosen: 'contamination' (the (1 - contamination) quantile of the training"
            + " scores), 'meanStd' (mean + thresholdSigmas * stddev of the training scores), 'fixed' (the"
            + " threshold param as given), 'maxF1' or 'maxAccuracy' (best on labelled validation rows, chosen"
            + " by AnomalyPipeline after fit; until then the contamination quantile stands in)",
        ParamValidators.inArray(SharedParams.THRESHOLD_STRATEGIES)));
  }

  default DoubleParam contamination() {
    return defineParam("contamination", 0.01, () -> new DoubleParam(uid(), "contamination",
        "expected share of anomalies in the training rows, in (0, 0.5]; used by thresholdStrategy"
            + " 'contamination'",
        ParamValidators.inRange(0.0, 0.5, false, true)));
  }

  default DoubleParam thresholdSigmas() {
    return defineParam("thresholdSigmas", 3.0, () -> new DoubleParam(uid(), "thresholdSigmas",
        "k in mean + k * stddev of the training scores, > 0; used by thresholdStrategy 'meanStd'",
        ParamValidators.gt(0.0)));
  }

  default DoubleParam threshold() {
    return defineParam("threshold", Double.NaN, () -> new DoubleParam(uid(), "threshold",
        "score at or above which a row is labelled an anomaly; any finite value. Set by fit (or on validation"
            + " rows by AnomalyPipeline) unless thresholdStrategy is 'fixed'"));
  }

  default IntParam explainTopK() {
    return defineParam("explainTopK", 0, () -> new IntParam(uid(), "explainTopK",
        "when > 0, also write each feature's contribution to the score (<scoreCol>_contributions) and the"
            + " names of the explainTopK largest contributors (<scoreCol>_top_features); 0 = no explanations",
        ParamValidators.gtEq(0)));
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  default String getScoreCol() {
    return getOrDefault(scoreCol());
  }

  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  default String getThresholdStrategy() {
    return getOrDefault(thresholdStrategy());
  }

  default double getContamination() {
    return (Double) getOrDefault(contamination());
  }

  default double getThresholdSigmas() {
    return (Double) getOrDefault(thresholdSigmas());
  }

  default int getExplainTopK() {
    return (Integer) getOrDefault(explainTopK());
  }

  default double getThreshold() {
    return (Double) getOrDefault(threshold());
  }
}
