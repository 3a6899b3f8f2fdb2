package io.vigil.core;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model whose row scores depend on the rows before them (time windows): scoring a day's rows on their own
 * would cut every window that starts the day before, so an anomaly across midnight would lose the windows that
 * see it. Given the earlier rows ("history"), such a model scores the day's first rows with windows that reach
 * back into them and emits the day's rows only ({@code io.vigil.pipeline.AnomalyPipeline#transformWithHistory}).
 */
public interface UsesHistory {

  /** Rows per entity before the first scored row that the windows need; 0 when the model scores rows alone. */
  int historyRows();

  /**
   * The last {@link #historyRows} rows per entity of {@code history} (input columns, as the rows to score
   * hold them): all of it that any window of the later rows can reach.
   */
  Dataset<Row> historyTail(Dataset<Row> history);

  /**
   * The name of this model's param naming a boolean column that marks history rows: they fill windows and
   * are never scored for output or emitted.
   */
  String historyMarkerParam();
}
