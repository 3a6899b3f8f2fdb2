package io.vigil.pca;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/** Parameters of the PCA detector, shared by {@link PcaDetector} and {@link PcaModel}. */
public interface PcaParams extends DetectorParams {

  String RECONSTRUCTION = "reconstruction";
  String RECONSTRUCTION_PLUS_MAHALANOBIS = "reconstructionPlusMahalanobis";

  IntParam k();

  DoubleParam varianceExplained();

  Param<String> scoreMode();

  default int getK() {
    return (Integer) getOrDefault(k());
  }

  default double getVarianceExplained() {
    return (Double) getOrDefault(varianceExplained());
  }

  default String getScoreMode() {
    return getOrDefault(scoreMode());
  }

  static IntParam k(Identifiable parent) {
    return new IntParam(parent.uid(), "k",
        "number of principal components kept, >= 0; 0 = the fewest whose explained variance reaches"
            + " varianceExplained. Capped at the feature width.", ParamValidators.gtEq(0));
  }

  static DoubleParam varianceExplained(Identifiable parent) {
    return new DoubleParam(parent.uid(), "varianceExplained",
        "share of the training variance the kept components must explain when k = 0, in (0, 1]",
        ParamValidators.inRange(0.0, 1.0, false, true));
  }

  static Param<String> scoreMode(Identifiable parent) {
    return new Param<>(parent.uid(), "scoreMode",
        "'reconstruction': squared distance from the principal subspace (in the scaled feature space);"
            + " 'reconstructionPlusMahalanobis': the probabilistic-PCA negative log-likelihood, i.e."
            + " reconstruction error / residual variance + sum over kept components of y_j^2 / lambda_j",
        ParamValidators.inArray(new String[] {RECONSTRUCTION, RECONSTRUCTION_PLUS_MAHALANOBIS}));
  }

  /** Called once from each constructor. */
  static void setPcaDefaults(PcaParams p) {
    p.setDefault(p.k(), 0);
    p.setDefault(p.varianceExplained(), 0.95);
    p.setDefault(p.scoreMode(), RECONSTRUCTION);
  }
}
