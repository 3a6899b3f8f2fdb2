package io.vigil.iforest;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * Parameters of the Isolation Forest, named and meant as in linkedin/isolation-forest where they
 * overlap (numEstimators, maxSamples, maxFeatures, bootstrap, randomSeed; contamination is the shared
 * threshold param).
 */
public interface IsolationForestParams extends DetectorParams {

  IntParam numEstimators();

  DoubleParam maxSamples();

  DoubleParam maxFeatures();

  BooleanParam bootstrap();

  LongParam randomSeed();

  default int getNumEstimators() {
    return (Integer) getOrDefault(numEstimators());
  }

  default double getMaxSamples() {
    return (Double) getOrDefault(maxSamples());
  }

  default double getMaxFeatures() {
    return (Double) getOrDefault(maxFeatures());
  }

  default boolean getBootstrap() {
    return (Boolean) getOrDefault(bootstrap());
  }

  default long getRandomSeed() {
    return (Long) getOrDefault(randomSeed());
  }

  static IntParam numEstimators(Identifiable p) {
    return new IntParam(p.uid(), "numEstimators", "number of trees, >= 1", ParamValidators.gtEq(1));
  }

  static DoubleParam maxSamples(Identifiable p) {
    return new DoubleParam(p.uid(), "maxSamples", "rows drawn to grow each tree: > 1 is a count (capped at"
        + " the number of training rows), in (0, 1] a fraction of the training rows", ParamValidators.gt(0.0));
  }

  static DoubleParam maxFeatures(Identifiable p) {
    return new DoubleParam(p.uid(), "maxFeatures", "features each tree may split on: > 1 is a count (capped at"
        + " the width), in (0, 1] a fraction of the width", ParamValidators.gt(0.0));
  }

  static BooleanParam bootstrap(Identifiable p) {
    return new BooleanParam(p.uid(), "bootstrap", "draw each tree's rows with replacement (true) or without");
  }

  static LongParam randomSeed(Identifiable p) {
    return new LongParam(p.uid(), "randomSeed", "seed of the row sampling and the splits; any long");
  }

  static void setForestDefaults(IsolationForestParams p) {
    p.setDefault(p.numEstimators(), 100);
    p.setDefault(p.maxSamples(), 256.0);
    p.setDefault(p.maxFeatures(), 1.0);
    p.setDefault(p.bootstrap(), false);
    p.setDefault(p.randomSeed(), 1L);
  }
}
