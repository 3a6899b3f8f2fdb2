package io.vigil.ocsvm;

import io.vigil.core.HasSeed;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/** Parameters of the one-class SVM ensemble. */
public interface OneClassSvmParams extends HasSeed {

  String SCALE = "scale";
  String AUTO = "auto";

  String NAME = "ocsvm";

  @Override
  default String detectorName() {
    return NAME;
  }

  @Override
  default long defaultSeed() {
    return 42L;
  }

  default DoubleParam nu() {
    return defineParam("nu", 0.5, () -> new DoubleParam(uid(), "nu", "upper bound on the share of training rows"
        + " outside the boundary and lower bound on the share of support vectors, in (0, 1]",
        ParamValidators.inRange(0.0, 1.0, false, true)));
  }

  default Param<String> gamma() {
    return defineParam("gamma", SCALE, () -> new Param<>(uid(), "gamma", "Gaussian kernel width in k(x, y) ="
        + " exp(-gamma * |x - y|^2): a number > 0, 'scale' = 1 / (d * Var(X)) over all training values"
        + " (scikit-learn's default), or 'auto' = 1 / d",
        (String v) -> v.equals(SCALE) || v.equals(AUTO) || isPositiveNumber(v)));
  }

  default DoubleParam tol() {
    return defineParam("tol", 1e-3, () -> new DoubleParam(uid(), "tol", "stopping tolerance of the SMO solver, > 0",
        ParamValidators.gt(0.0)));
  }

  default IntParam numModels() {
    return defineParam("numModels", 0, () -> new IntParam(uid(), "numModels", "ensemble members, each trained on"
        + " one partition, >= 0; 0 = the input's partitions", ParamValidators.gtEq(0)));
  }

  default IntParam maxRowsPerModel() {
    return defineParam("maxRowsPerModel", 5000, () -> new IntParam(uid(), "maxRowsPerModel", "rows each member"
        + " trains on at most (a seeded sample of its partition; kernel SVM training grows quadratically), >= 2",
        ParamValidators.gtEq(2)));
  }

  default double getNu() {
    return (Double) getOrDefault(nu());
  }

  default String getGamma() {
    return getOrDefault(gamma());
  }

  default double getTol() {
    return (Double) getOrDefault(tol());
  }

  default int getNumModels() {
    return (Integer) getOrDefault(numModels());
  }

  default int getMaxRowsPerModel() {
    return (Integer) getOrDefault(maxRowsPerModel());
  }

  static boolean isPositiveNumber(String v) {
    try {
      double g = Double.parseDouble(v);
      return g > 0 && Double.isFinite(g);
    } catch (NumberFormatException e) {
      return false;
    }
  }

}
