package io.vigil.iforest;

import io.vigil.core.HasSeed;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;

/**
 * Parameters of the Isolation Forest, named and meant as in linkedin/isolation-forest where they
 * overlap (numEstimators, maxSamples, maxFeatures, bootstrap; contamination is the shared threshold
 * param). The seed is {@code seed}, as in every Vigil detector (linkedin's {@code randomSeed}).
 */
public interface IsolationForestParams extends HasSeed {

  String NAME = "iforest";

  @Override
  default String detectorName() {
    return NAME;
  }

  @Override
  default long defaultSeed() {
    return 1L;
  }

  default IntParam numEstimators() {
    return defineParam("numEstimators", 100, () -> new IntParam(uid(), "numEstimators", "number of trees, >= 1",
        ParamValidators.gtEq(1)));
  }

  default DoubleParam maxSamples() {
    return defineParam("maxSamples", 256.0, () -> new DoubleParam(uid(), "maxSamples", "rows drawn to grow each"
        + " tree: > 1 is a count (capped at the number of training rows), in (0, 1] a fraction of the training rows",
        ParamValidators.gt(0.0)));
  }

  default DoubleParam maxFeatures() {
    return defineParam("maxFeatures", 1.0, () -> new DoubleParam(uid(), "maxFeatures", "features each tree may"
        + " split on: > 1 is a count (capped at the width), in (0, 1] a fraction of the width",
        ParamValidators.gt(0.0)));
  }

  default BooleanParam bootstrap() {
    return defineParam("bootstrap", false, () -> new BooleanParam(uid(), "bootstrap",
        "draw each tree's rows with replacement (true) or without"));
  }

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
}
