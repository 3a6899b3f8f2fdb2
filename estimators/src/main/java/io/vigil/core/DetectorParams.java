package io.vigil.core;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The parameters every detector and its model share. Spark finds params by reflection on public
 * no-argument methods returning a {@code Param}, so each one has exactly one such accessor;
 * implementations create them in their constructor (after {@code uid} is set) through
 * {@link SharedParams}.
 */
public interface DetectorParams extends Params {

  Param<String> featuresCol();

  Param<String> scoreCol();

  Param<String> predictionCol();

  Param<String> thresholdStrategy();

  DoubleParam contamination();

  DoubleParam thresholdSigmas();

  DoubleParam threshold();

  org.apache.spark.ml.param.IntParam explainTopK();

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
