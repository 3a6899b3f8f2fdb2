package io.vigil.core;

import org.apache.spark.ml.param.LongParam;

/**
 * The seed of a detector that draws random numbers: one name, {@code seed}, for every such detector
 * (Spark's {@code HasSeed}); {@code defaultSeed} is each detector's default.
 */
public interface HasSeed extends DetectorParams {

  /** This detector's default seed (kept per detector: changing one would change its fitted models). */
  long defaultSeed();

  default LongParam seed() {
    return defineParam("seed", defaultSeed(), () -> new LongParam(uid(), "seed",
        "seed of every random draw of the fit (row sampling, splits, weights, shuffles); any long"));
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }
}
