package io.vigil.knn;

import io.vigil.core.HasSeed;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/** Parameters of the k-nearest-neighbour detector, shared by {@link KnnDetector} and {@link KnnModel}. */
public interface KnnParams extends HasSeed {

  String NAME = "knn";
  /** Score = Euclidean distance to the k-th nearest reference row (PyOD's 'largest'). */
  String LARGEST = "largest";
  /** Score = mean Euclidean distance to the k nearest reference rows. */
  String MEAN = "mean";

  @Override
  default String detectorName() {
    return NAME;
  }

  @Override
  default long defaultSeed() {
    return 42L;
  }

  @Override
  default String degenerateScoresHint() {
    return "Most training rows have k or more exact copies among the others; use a larger knn.k, or remove"
        + " duplicated rows from the training input.";
  }

  default IntParam k() {
    return defineParam("k", 5, () -> new IntParam(uid(), "k", "number of nearest reference rows a score looks"
        + " at, >= 1 (PyOD's n_neighbors)", ParamValidators.gtEq(1)));
  }

  default Param<String> method() {
    return defineParam("method", LARGEST, () -> new Param<>(uid(), "method", "'largest': the distance to the k-th"
        + " nearest reference row; 'mean': the mean distance to the k nearest",
        ParamValidators.inArray(new String[] {LARGEST, MEAN})));
  }

  default IntParam maxReference() {
    return defineParam("maxReference", 100_000, () -> new IntParam(uid(), "maxReference", "most training rows"
        + " kept as the reference set, >= 1; beyond it a seeded sample of this many. The reference set is the"
        + " model: it is collected to the driver and broadcast (maxReference x width x 4 bytes)",
        ParamValidators.gtEq(1)));
  }

  default int getK() {
    return (Integer) getOrDefault(k());
  }

  default String getMethod() {
    return getOrDefault(method());
  }

  default int getMaxReference() {
    return (Integer) getOrDefault(maxReference());
  }
}
