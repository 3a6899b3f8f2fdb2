package io.vigil.sequence;

import io.vigil.core.DetectorParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * How time-ordered rows are cut into windows ({@link SequenceWindows}): the entity key, the order column,
 * window length and stride, the largest gap a window may span, how a row's windows combine into its score,
 * and the column marking history rows. Shared by every detector that scores windows (the sequence
 * encoder–decoder, the windowed row detectors).
 */
public interface WindowParams extends DetectorParams {

  default Param<String> entityCol() {
    return defineParam("entityCol", "", () -> new Param<>(uid(), "entityCol", "column whose values name separate"
        + " series (windows never mix two); empty = all rows are one series"));
  }

  default Param<String> orderCol() {
    return defineParam("orderCol", "", () -> new Param<>(uid(), "orderCol", "timestamp (or numeric) column that"
        + " orders rows into windows; empty = no windows (seq2seq then reads each row's features as one sequence,"
        + " the reference's mode)"));
  }

  default IntParam windowLength() {
    return defineParam("windowLength", 24, () -> new IntParam(uid(), "windowLength", "rows per window, >= 2",
        ParamValidators.gtEq(2)));
  }

  default IntParam windowStride() {
    return defineParam("windowStride", 1, () -> new IntParam(uid(), "windowStride", "rows between the starts of two"
        + " windows, >= 1", ParamValidators.gtEq(1)));
  }

  default DoubleParam maxGap() {
    return defineParam("maxGap", 0.0, () -> new DoubleParam(uid(), "maxGap", "largest step between two rows of one"
        + " window, in the order column's units (seconds for timestamps); 0 = no limit", ParamValidators.gtEq(0)));
  }

  default Param<String> windowScore() {
    return defineParam("windowScore", "max", () -> new Param<>(uid(), "windowScore", "a row's score from the"
        + " windows' scores: max or mean of the windows holding the row, or last = the score of the latest window"
        + " ending at or before the row (causal: only the row and earlier rows; the rows before a series' first"
        + " window ends take that window's score)", ParamValidators.inArray(new String[] {"max", "mean", "last"})));
  }

  default Param<String> contextCol() {
    return defineParam("contextCol", "", () -> new Param<>(uid(), "contextCol", "boolean column marking rows that"
        + " only give the windows of later rows their past (e.g. the previous date's last rows in a nightly run):"
        + " they are not emitted; empty = every row is scored and emitted"));
  }

  default String getEntityCol() { return getOrDefault(entityCol()); }
  default String getOrderCol() { return getOrDefault(orderCol()); }
  default int getWindowLength() { return (Integer) getOrDefault(windowLength()); }
  default int getWindowStride() { return (Integer) getOrDefault(windowStride()); }
  default double getMaxGap() { return (Double) getOrDefault(maxGap()); }
  default String getWindowScore() { return getOrDefault(windowScore()); }
  default String getContextCol() { return getOrDefault(contextCol()); }

  /** Whether rows are cut into time windows (an order column is named). */
  default boolean windowed() {
    return !getOrderCol().isEmpty();
  }

  /** {@code schema}, checked to hold the window columns when {@link #windowed}. */
  default org.apache.spark.sql.types.StructType requireWindowColumns(org.apache.spark.sql.types.StructType schema) {
    if (windowed()) {
      SequenceWindows.validate(schema, windowSpec());
    }
    return schema;
  }

  /** The columns the windows are cut by: the entity column (when named), then the order column. */
  default java.util.List<String> windowColumns() {
    return getEntityCol().isEmpty() ? java.util.List.of(getOrderCol())
        : java.util.List.of(getEntityCol(), getOrderCol());
  }

  /** The windowing, when {@link #windowed}. */
  default SequenceWindows.Spec windowSpec() {
    return new SequenceWindows.Spec(getEntityCol(), getOrderCol(), getWindowLength(), getWindowStride(), getMaxGap());
  }
}
