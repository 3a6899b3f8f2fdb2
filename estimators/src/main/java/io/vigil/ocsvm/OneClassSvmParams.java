package io.vigil.ocsvm;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/** Parameters of the one-class SVM ensemble. */
public interface OneClassSvmParams extends DetectorParams {

  String SCALE = "scale";
  String AUTO = "auto";

  DoubleParam nu();

  Param<String> gamma();

  DoubleParam tol();

  IntParam numModels();

  IntParam maxRowsPerModel();

  LongParam seed();

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

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  static DoubleParam nu(Identifiable p) {
    return new DoubleParam(p.uid(), "nu", "upper bound on the share of training rows outside the boundary and"
        + " lower bound on the share of support vectors, in (0, 1]", ParamValidators.inRange(0.0, 1.0, false, true));
  }

  static Param<String> gamma(Identifiable p) {
    return new Param<>(p.uid(), "gamma", "Gaussian kernel width in k(x, y) = exp(-gamma * |x - y|^2): a number"
        + " > 0, 'scale' = 1 / (d * Var(X)) over all training values (scikit-learn's default), or 'auto' = 1 / d",
        (String v) -> v.equals(SCALE) || v.equals(AUTO) || isPositiveNumber(v));
  }

  static DoubleParam tol(Identifiable p) {
    return new DoubleParam(p.uid(), "tol", "stopping tolerance of the SMO solver, > 0", ParamValidators.gt(0.0));
  }

  static IntParam numModels(Identifiable p) {
    return new IntParam(p.uid(), "numModels", "ensemble members, each trained on one partition, >= 0; 0 = the"
        + " input's partitions", ParamValidators.gtEq(0));
  }

  static IntParam maxRowsPerModel(Identifiable p) {
    return new IntParam(p.uid(), "maxRowsPerModel", "rows each member trains on at most (a seeded sample of its"
        + " partition; kernel SVM training grows quadratically), >= 2", ParamValidators.gtEq(2));
  }

  static LongParam seed(Identifiable p) {
    return new LongParam(p.uid(), "seed", "seed of the per-partition row sampling; any long");
  }

  static boolean isPositiveNumber(String v) {
    try {
      double g = Double.parseDouble(v);
      return g > 0 && Double.isFinite(g);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static void setSvmDefaults(OneClassSvmParams p) {
    p.setDefault(p.nu(), 0.5);
    p.setDefault(p.gamma(), SCALE);
    p.setDefault(p.tol(), 1e-3);
    p.setDefault(p.numModels(), 0);
    p.setDefault(p.maxRowsPerModel(), 5000);
    p.setDefault(p.seed(), 42L);
  }
}
