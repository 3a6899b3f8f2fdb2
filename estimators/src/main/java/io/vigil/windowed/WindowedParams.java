package io.vigil.windowed;

import io.vigil.sequence.WindowParams;
import org.apache.spark.ml.param.Param;

/**
 * Parameters of a row detector over time windows: which detector scores the windows, the column that
 * identifies each row (a window carries its rows' ids, so each row gets its windows' scores), and the
 * windowing ({@link WindowParams}).
 */
public interface WindowedParams extends WindowParams {

  String NAME = "windowed";

  @Override
  default String detectorName() {
    return NAME;
  }

  default Param<String> detector() {
    return defineParam("detector", "pca", () -> new Param<>(uid(), "detector", "the row detector that scores the"
        + " windows, each window one row of windowLength x features values (e.g. pca, iforest); its params are set on"
        + " the detector itself"));
  }

  default Param<String> idCol() {
    return defineParam("idCol", "row_index", () -> new Param<>(uid(), "idCol", "a long column naming each row"
        + " uniquely (an event id, a row number): windows carry their rows' ids back to the rows"));
  }

  default String getDetector() { return getOrDefault(detector()); }
  default String getIdCol() { return getOrDefault(idCol()); }

  /** {@code schema}, checked to hold the order, entity and id columns (the id a long). */
  default org.apache.spark.sql.types.StructType requireWindowedColumns(org.apache.spark.sql.types.StructType schema) {
    if (!windowed()) {
      throw new IllegalArgumentException("The windowed detector needs orderCol (the column that orders rows in"
          + " time); it is empty.");
    }
    requireWindowColumns(schema);
    if (!java.util.List.of(schema.fieldNames()).contains(getIdCol())
        || !schema.apply(getIdCol()).dataType().equals(org.apache.spark.sql.types.DataTypes.LongType)) {
      throw new IllegalArgumentException(String.format("The windowed detector needs idCol '%s', a long column"
          + " naming each row; columns: %s.", getIdCol(), String.join(", ", schema.fieldNames())));
    }
    return schema;
  }
}
