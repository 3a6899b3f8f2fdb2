package io.vigil.ensemble;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;

/** Parameters of the ensemble: which detectors, how their scores are made comparable, how they combine. */
public interface EnsembleParams extends DetectorParams {

  String RANK = "rank";
  String ROBUST_Z = "robustZ";
  String MEAN = "mean";
  String MAX = "max";

  String NAME = "ensemble";

  @Override
  default String detectorName() {
    return NAME;
  }

  default StringArrayParam members() {
    // knn and ecod by their maximum: the default chosen on the six ADBench sets (bench/results/adbench-semi.md)
    return defineParam("members", new String[] {"knn", "ecod"}, () -> new StringArrayParam(this,
        "members", "the member detectors' names (e.g. pca,ocsvm,iforest), at least two, each once; their params are"
            + " set on the member detectors themselves"));
  }

  default Param<String> normalization() {
    return defineParam("normalization", ROBUST_Z, () -> new Param<>(uid(), "normalization", "how each member's"
        + " score is made comparable, fitted on its training scores: 'rank' (the share of training scores below"
        + " it, continued linearly above the largest) or 'robustZ' ((score - median) / (1.4826 MAD))",
        ParamValidators.inArray(new String[] {RANK, ROBUST_Z})));
  }

  default Param<String> combination() {
    return defineParam("combination", MAX, () -> new Param<>(uid(), "combination", "how the normalised scores"
        + " combine: 'mean' (weighted by weights) or 'max'", ParamValidators.inArray(new String[] {MEAN, MAX})));
  }

  default DoubleArrayParam weights() {
    return defineParam("weights", new double[0], () -> new DoubleArrayParam(this, "weights", "each member's weight"
        + " in the mean, >= 0 and not all 0, in members' order; empty = 1 each. Chosen on labelled validation rows"
        + " by AnomalyPipeline (tuneEnsembleWeights)", (double[] w) -> {
          double sum = 0;
          for (double v : w) {
            if (!(v >= 0) || !Double.isFinite(v)) {
              return false;
            }
            sum += v;
          }
          return w.length == 0 || sum > 0;
        }));
  }

  default String[] getMembers() {
    return (String[]) getOrDefault(members());
  }

  default String getNormalization() {
    return getOrDefault(normalization());
  }

  default String getCombination() {
    return getOrDefault(combination());
  }

  /** The members' weights; empty means 1 each. */
  default double[] getWeights() {
    return (double[]) getOrDefault(weights());
  }
}
