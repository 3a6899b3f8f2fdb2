package io.vigil.dl4j;

import io.vigil.core.Explanations;
import io.vigil.core.Schemas;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a dataset with a DL4J network in batches of {@link #BATCH_ROWS} rows per INDArray call
 * (never row by row): the network is broadcast once as bytes, restored once per partition, and each
 * batch becomes one FLOAT matrix.
 *
 * <p>It works on Spark's internal rows: the input rows pass through untouched (one buffer copy) with
 * the new columns joined on, instead of being converted to external {@code Row}s and back, which cost
 * more than the network itself on narrow data.
 */
public final class BatchScoring {

  public static final int BATCH_ROWS = 4096;

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

  /** Scores a batch with a restored network {@code N}: one score per row of {@code x}, higher = more anomalous. */
  @FunctionalInterface
  public interface BatchScorer<N> extends Serializable {
    Scores score(N net, INDArray x, boolean explain);
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
   * Appends {@code scoreCol} and, when {@code explainTopK} > 0, the explanation columns
   * ({@link Explanations}) named after it; {@code network} is DL4J's zip of a {@link MultiLayerNetwork}.
   */
  public static Dataset<Row> appendScores(Dataset<?> dataset, byte[] network, String featuresCol, String scoreCol,
      int width, BatchScorer<MultiLayerNetwork> scorer, int explainTopK, String[] featureNames) {
    return appendScores(dataset, network, Nd4jArrays::fromBytes, featuresCol, scoreCol, width, scorer, explainTopK,
        featureNames);
  }

  /** As above, for any network that {@code restorer} rebuilds from {@code network}'s bytes. */
  public static <N> Dataset<Row> appendScores(Dataset<?> dataset, byte[] network, Restorer<N> restorer,
      String featuresCol, String scoreCol, int width, BatchScorer<N> scorer, int explainTopK,
      String[] featureNames) {
    Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
        .broadcast(network);
    StructType in = dataset.schema();
    StructType out = Schemas.appendDouble(in, scoreCol);
    if (explainTopK > 0) {
      out = Explanations.appendColumns(out, scoreCol);
    }
    int index = in.fieldIndex(featuresCol);
    JavaRDD<InternalRow> scored = dataset.queryExecution().toRdd().toJavaRDD().mapPartitions(rows -> {
      Nd4jArrays.setUpTask();
      N net = restored(shared, restorer);
      return new Batches<>(rows, net, index, featuresCol, width, scorer, explainTopK, featureNames);
    });
    // internalCreateDataFrame is private[sql] in Scala, public to Java: the one way to hand Spark
    // internal rows without a conversion round trip.
    return dataset.sparkSession().internalCreateDataFrame(scored.rdd(), out, false);
  }

  /** Reads up to BATCH_ROWS rows, scores them in one call, then emits each with its new columns. */
  private static final class Batches<N> implements Iterator<InternalRow> {
    private static final VectorUDT VECTORS = new VectorUDT();
    private final Iterator<InternalRow> in;
    private final N net;
    private final int index;
    private final String column;
    private final int width;
    private final BatchScorer<N> scorer;
    private final int topK;
    private final UTF8String[] names;
    private final InternalRow[] buffer = new InternalRow[BATCH_ROWS];
    private int size;
    private Scores scores;
    private int next;

    Batches(Iterator<InternalRow> in, N net, int index, String column, int width, BatchScorer<N> scorer,
        int topK, String[] featureNames) {
      this.in = in;
      this.net = net;
      this.index = index;
      this.column = column;
      this.width = width;
      this.scorer = scorer;
      this.topK = topK;
      this.names = new UTF8String[featureNames.length];
      for (int i = 0; i < names.length; i++) {
        names[i] = UTF8String.fromString(featureNames[i]);
      }
    }

    @Override
    public boolean hasNext() {
      if (next < size) {
        return true;
      }
      fill();
      return next < size;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int i = next++;
      Object[] extra;
      if (topK > 0) {
        float[] all = scores.contributions();
        double[] asDouble = new double[width];
        for (int j = 0; j < width; j++) {
          asDouble[j] = all[i * width + j];
        }
        int[] top = Explanations.topK(all, i * width, width, topK);
        UTF8String[] topNames = new UTF8String[top.length];
        for (int j = 0; j < top.length; j++) {
          topNames[j] = names[top[j]];
        }
        extra = new Object[] {scores.scores()[i], UnsafeArrayData.fromPrimitiveArray(asDouble),
            new GenericArrayData(topNames)};
      } else {
        extra = new Object[] {scores.scores()[i]};
      }
      return new JoinedRow(buffer[i], new GenericInternalRow(extra));
    }

    private void fill() {
      size = 0;
      next = 0;
      float[] flat = new float[BATCH_ROWS * width];
      while (in.hasNext() && size < BATCH_ROWS) {
        InternalRow r = in.next();
        Vector v = r.isNullAt(index) ? null : VECTORS.deserialize(r.getStruct(index, 4));
        double[] values = Schemas.requireWidth(v, column, width);
        for (int j = 0; j < width; j++) {
          flat[size * width + j] = (float) values[j];
        }
        buffer[size++] = r.copy(); // the input iterator reuses its row object
      }
      if (size > 0) {
        INDArray x = Nd4jArrays.matrix(size == BATCH_ROWS ? flat : java.util.Arrays.copyOf(flat, size * width),
            size, width);
        scores = scorer.score(net, x, topK > 0);
      }
    }
  }
}
