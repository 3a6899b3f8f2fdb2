package io.vigil.core;

/**
 * Scores a batch of feature rows in one call: row {@code i} is {@code x[i * width, (i + 1) * width)}, its score goes
 * to {@code scores[i]} (higher = more anomalous) and, when {@code contributions} is not null, its features' shares of
 * the score to {@code contributions[i * width, (i + 1) * width)}. A model builds it on the driver
 * ({@link AnomalyModel#batchScorer}), holding its broadcast state, and the executors call it; it is what the one-pass
 * scoring path runs, where the features go from the input columns straight into the batch without a vector column.
 */
@FunctionalInterface
public interface FeatureBatchScorer extends java.io.Serializable {
  void score(double[] x, int rows, int width, double[] scores, float[] contributions);

  /**
   * The most rows per call. A scorer as fast row by row (a tree walk, a few dot products) says 1, which spares the
   * copy of every input row that holding a batch of them needs.
   */
  default int batchRows() {
    return RowBatches.BATCH_ROWS;
  }
}
