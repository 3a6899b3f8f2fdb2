package io.vigil.dl4j;

import io.vigil.core.Explanations;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.core.RowBatches;
import io.vigil.core.Schemas;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a dataset with a trained network in batches of {@link #BATCH_ROWS} rows per call (never row by row): the
 * network is broadcast once as bytes and restored once per executor thread; each batch goes to a plain-Java forward
 * pass as it was read ({@link ArrayScorer}) or to ND4J as one FLOAT matrix ({@link BatchScorer}).
 *
 * <p>It works on Spark's internal rows ({@link RowBatches}): the input rows pass through untouched with the new
 * columns joined on.
 */
public final class BatchScoring {

  public static final int BATCH_ROWS = RowBatches.BATCH_ROWS;

  /**
   * A batch's scores (one per row) and, when asked for, each row's per-feature contributions, row-major
   * ({@code contributions[row * width + feature]}; one flat copy, not one INDArray view per row).
   */
  public record Scores(double[] scores, float[] contributions) {}

  /**
   * Reconstruction scores: a row's score is its mean squared error, and a feature's contribution its
   * squared error (so the contributions average to the score).
   */
  public static Scores reconstructionErrors(INDArray x, INDArray reconstruction, boolean explain) {
    INDArray squared = org.nd4j.linalg.ops.transforms.Transforms.pow(
        reconstruction.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sub(x), 2, false);
    return new Scores(squared.mean(1).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector(),
        explain ? squared.dup('c').data().asFloat() : null);
  }

  /**
   * Scores a batch with a restored network {@code N} as one FLOAT matrix (ND4J's products: the knn distances, the
   * sequence model's reconstruction): one score per row of {@code x}, higher = more anomalous.
   */
  @FunctionalInterface
  public interface BatchScorer<N> extends Serializable {
    Scores score(N net, INDArray x, boolean explain);
  }

  /**
   * Scores a batch with a restored plain-Java network {@code N} on the rows as the scoring pass reads them (row
   * {@code i} is {@code x[i * width, (i + 1) * width)}), without a copy into native memory; the arguments after the
   * network are {@link FeatureBatchScorer}'s.
   */
  @FunctionalInterface
  public interface ArrayScorer<N> extends Serializable {
    void score(N net, double[] x, int rows, int width, double[] scores, float[] contributions);
  }

  /** Restores a network from its bytes (once per executor thread). */
  @FunctionalInterface
  public interface Restorer<N> extends Serializable {
    N restore(byte[] bytes);
  }

  private BatchScoring() {}

  /**
   * Networks restored on this executor thread, by broadcast id (the last few). Restoring DL4J's zip
   * costs more than scoring a small partition, and inputs of many small files have many partitions; a
   * network is not safe to share between threads (layers keep their input), so each task thread keeps
   * its own copy. The cap bounds what a long-lived executor holds after the broadcasts are gone.
   */
  private static final ThreadLocal<Map<Long, Object>> RESTORED = ThreadLocal.withInitial(
      () -> new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
          return size() > 4;
        }
      });

  /** The network of {@code network} for this executor thread, restored once per thread and broadcast. */
  @SuppressWarnings("unchecked")
  public static <N> N restored(Broadcast<byte[]> network, Restorer<N> restorer) {
    return (N) RESTORED.get().computeIfAbsent(network.id(), id -> restorer.restore(network.value()));
  }

  /**
   * Appends {@code scoreCol} and, when {@code explainTopK} > 0, the explanation columns ({@link Explanations}) named
   * after it, scoring the vectors of {@code featuresCol} in batches with {@code batches} (a model's
   * {@link io.vigil.core.AnomalyModel#batchScorer}, or one of {@link #batchScorer}'s).
   */
  public static Dataset<Row> appendScores(Dataset<?> dataset, FeatureBatchScorer batches, String featuresCol,
      String scoreCol, int width, int explainTopK, String[] featureNames) {
    StructType in = dataset.schema();
    StructType out = Schemas.appendDouble(in, scoreCol);
    if (explainTopK > 0) {
      out = Explanations.appendColumns(out, scoreCol);
    }
    int index = in.fieldIndex(featuresCol);
    RowBatches.FeatureReader vectors = (row, into, offset) -> {
      Vector v = row.isNullAt(index) ? null : VECTORS.deserialize(row.getStruct(index, 4));
      System.arraycopy(Schemas.requireWidth(v, featuresCol, width), 0, into, offset, width);
    };
    return RowBatches.mapPartitions(dataset, out, rows -> new RowBatches(rows, width, vectors,
        RowBatches.scoredBy(batches, width, explainTopK, true, Explanations.internalNames(featureNames))));
  }

  /** As above, with {@code network} (its bytes, which {@code restorer} rebuilds) scoring through ND4J. */
  public static <N> Dataset<Row> appendScores(Dataset<?> dataset, byte[] network, Restorer<N> restorer,
      String featuresCol, String scoreCol, int width, BatchScorer<N> scorer, int explainTopK,
      String[] featureNames) {
    return appendScores(dataset, batchScorer(dataset.sparkSession(), network, restorer, scorer), featuresCol,
        scoreCol, width, explainTopK, featureNames);
  }

  /**
   * The scorer of both scoring paths ({@link FeatureBatchScorer}) for a network: broadcast once, restored once per
   * executor thread, each batch one call of {@code scorer}.
   */
  public static <N> FeatureBatchScorer batchScorer(SparkSession spark, byte[] network, Restorer<N> restorer,
      ArrayScorer<N> scorer) {
    Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(network);
    return (x, rows, width, scores, contributions) -> {
      Nd4jArrays.setUpTask();
      scorer.score(restored(shared, restorer), x, rows, width, scores, contributions);
    };
  }

  /** As above, each batch one FLOAT matrix through {@code scorer}, explained when asked for contributions. */
  public static <N> FeatureBatchScorer batchScorer(SparkSession spark, byte[] network, Restorer<N> restorer,
      BatchScorer<N> scorer) {
    return batchScorer(spark, network, restorer, (N net, double[] x, int rows, int width, double[] scores,
        float[] contributions) -> {
      Scores s = scorer.score(net, Nd4jArrays.matrix(Nd4jArrays.toFloats(x, rows * width), rows, width),
          contributions != null);
      System.arraycopy(s.scores(), 0, scores, 0, rows);
      if (contributions != null) {
        System.arraycopy(s.contributions(), 0, contributions, 0, rows * width);
      }
    });
  }

  private static final VectorUDT VECTORS = new VectorUDT();
}
