package io.vigil.sequence;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * Parameters of the sequence encoder–decoder: the LSTM width; the windowing of time-ordered rows
 * (entity key, order column, window length and stride, the largest gap a window may span, and how a
 * row's windows combine), plus the shared DL4J training params. Without an order column each row's
 * features are read as one sequence (the reference's mode).
 */
public interface SequenceParams extends NeuralNetParams {

  String NAME = "seq2seq";

  @Override
  default String detectorName() {
    return NAME;
  }

  default IntParam hiddenSize() {
    return defineParam("hiddenSize", 16, () -> new IntParam(uid(), "hiddenSize", "units of the encoder LSTM (its"
        + " last state is the code) and of the decoder LSTM, >= 1", ParamValidators.gtEq(1)));
  }

  default Param<String> entityCol() {
    return defineParam("entityCol", "", () -> new Param<>(uid(), "entityCol", "column whose values name separate"
        + " series (windows never mix two); empty = all rows are one series"));
  }

  default Param<String> orderCol() {
    return defineParam("orderCol", "", () -> new Param<>(uid(), "orderCol", "timestamp (or numeric) column that"
        + " orders rows into windows; empty = each row's features are one sequence (the reference's"
        + " row-as-sequence mode)"));
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
    return defineParam("windowScore", "max", () -> new Param<>(uid(), "windowScore", "a row's score from its"
        + " windows' scores: max or mean", ParamValidators.inArray(new String[] {"max", "mean"})));
  }

  default Param<String> contextCol() {
    return defineParam("contextCol", "", () -> new Param<>(uid(), "contextCol", "boolean column marking rows that"
        + " only give the windows of later rows their past (e.g. the previous date's last rows in a nightly run):"
        + " they are not emitted; empty = every row is scored and emitted"));
  }

  default int getHiddenSize() { return (Integer) getOrDefault(hiddenSize()); }
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

  /** The windowing, when {@link #windowed}. */
  default SequenceWindows.Spec windowSpec() {
    return new SequenceWindows.Spec(getEntityCol(), getOrderCol(), getWindowLength(), getWindowStride(), getMaxGap());
  }
}
