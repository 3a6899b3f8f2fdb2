package io.vigil.pca;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/** Parameters of the PCA detector, shared by {@link PcaDetector} and {@link PcaModel}. */
public interface PcaParams extends DetectorParams {

  String RECONSTRUCTION = "reconstruction";
  String RECONSTRUCTION_PLUS_MAHALANOBIS = "reconstructionPlusMahalanobis";
  String SHRUNK_MAHALANOBIS = "shrunkMahalanobis";

  String NAME = "pca";

  @Override
  default String detectorName() {
    return NAME;
  }

  @Override
  default String degenerateScoresHint() {
    return "With scoreMode reconstruction, keep fewer principal components than the feature width (k < width, or"
        + " k = 0 with varianceExplained < 1): a PCA that keeps every component reconstructs every row exactly. Or"
        + " use scoreMode shrunkMahalanobis (the default), which scores every direction.";
  }

  default IntParam k() {
    return defineParam("k", 0, () -> new IntParam(uid(), "k",
        "number of principal components kept, >= 0; 0 = the fewest whose explained variance reaches"
            + " varianceExplained. Capped at the feature width.", ParamValidators.gtEq(0)));
  }

  default DoubleParam varianceExplained() {
    return defineParam("varianceExplained", 0.95, () -> new DoubleParam(uid(), "varianceExplained",
        "share of the training variance the kept components must explain when k = 0, in (0, 1]",
        ParamValidators.inRange(0.0, 1.0, false, true)));
  }

  default Param<String> scoreMode() {
    return defineParam("scoreMode", SHRUNK_MAHALANOBIS, () -> new Param<>(uid(), "scoreMode",
        "'shrunkMahalanobis': the Mahalanobis distance under the training covariance shrunk towards its mean"
            + " variance, sum over components of y_j^2 / ((1 - s) lambda_j + s mean(lambda)) with s = shrinkage (the"
            + " components beyond k as one, at their mean variance); 'reconstruction': squared distance from the"
            + " principal subspace (in the scaled feature space); 'reconstructionPlusMahalanobis': the"
            + " probabilistic-PCA negative log-likelihood, i.e. reconstruction error / residual variance + sum over"
            + " kept components of y_j^2 / lambda_j (shrunkMahalanobis with shrinkage 0)",
        ParamValidators.inArray(new String[] {SHRUNK_MAHALANOBIS, RECONSTRUCTION, RECONSTRUCTION_PLUS_MAHALANOBIS})));
  }

  default DoubleParam shrinkage() {
    return defineParam("shrinkage", 0.5, () -> new DoubleParam(uid(), "shrinkage", "with shrunkMahalanobis: how far"
        + " each component's variance moves towards the mean variance, in [0, 1]; 0 = the plain Mahalanobis"
        + " distance (which the smallest components dominate), 1 = the Euclidean distance from the mean",
        ParamValidators.inRange(0.0, 1.0)));
  }

  default int getK() {
    return (Integer) getOrDefault(k());
  }

  default double getVarianceExplained() {
    return (Double) getOrDefault(varianceExplained());
  }

  default double getShrinkage() {
    return (Double) getOrDefault(shrinkage());
  }

  default String getScoreMode() {
    return getOrDefault(scoreMode());
  }
}
