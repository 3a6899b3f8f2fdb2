package io.vigil.ecod;

import io.vigil.core.DetectorParams;

/** Parameters of ECOD: the shared ones only (the method has no hyperparameters). */
public interface EcodParams extends DetectorParams {

  String NAME = "ecod";

  @Override
  default String detectorName() {
    return NAME;
  }

  @Override
  default String degenerateScoresHint() {
    return "ECOD scores a row by how far into its features' tails it lies; most training rows share the same"
        + " values here (constant or near-constant features). Remove such features, or use another detector.";
  }
}
