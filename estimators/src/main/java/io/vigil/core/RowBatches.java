package io.vigil.core;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Spark's internal rows in batches of up to {@link #BATCH_ROWS}: each batch's features are read into one row-major
 * matrix, the batch is scored in one call, and each input row comes out untouched with the batch's new columns
 * joined on (copied while the batch is held; a batch of one row passes the input row itself). No conversion to
 * external rows and back, which costs more than most scorers. The scorers over a vector column and the one-pass
 * path that reads features from the input columns share it.
 */
public final class RowBatches implements Iterator<InternalRow> {

  public static final int BATCH_ROWS = 4096;

  /** Writes one row's {@code width} feature values into {@code into} from {@code offset}. */
  @FunctionalInterface
  public interface FeatureReader extends Serializable {
    void read(InternalRow row, double[] into, int offset);
  }

  /** The values a scored batch appends to its row {@code i}, in the order of the new columns. */
  @FunctionalInterface
  public interface BatchColumns {
    Object[] values(int i);
  }

  /** Scores a batch: {@code rows} rows of the row-major matrix {@code x}. */
  @FunctionalInterface
  public interface BatchFunction {
    BatchColumns score(double[] x, int rows);
  }

  private final Iterator<InternalRow> in;
  private final int width;
  private final FeatureReader reader;
  private final BatchFunction scorer;
  private final int batchRows;
  private final InternalRow[] buffer;
  private final double[] x;
  private int size;
  private int next;
  private BatchColumns columns;

  public RowBatches(Iterator<InternalRow> in, int width, FeatureReader reader, BatchFunction scorer) {
    this(in, width, reader, scorer, BATCH_ROWS);
  }

  /** With at most {@code batchRows} rows per batch (1: row by row, no copies). */
  public RowBatches(Iterator<InternalRow> in, int width, FeatureReader reader, BatchFunction scorer, int batchRows) {
    this.in = in;
    this.width = width;
    this.reader = reader;
    this.scorer = scorer;
    this.batchRows = Math.max(1, Math.min(batchRows, BATCH_ROWS));
    this.buffer = new InternalRow[this.batchRows];
    this.x = new double[this.batchRows * width];
  }

  /**
   * Scores each batch with {@code scorer}; its rows get the score and, when {@code explainTopK} > 0, their
   * contributions (with {@code withContributions}) and the names of their top {@code explainTopK} features
   * ({@link Explanations}). Built on the executor: {@code names} are Spark's internal strings.
   */
  public static BatchFunction scoredBy(FeatureBatchScorer scorer, int width, int explainTopK,
      boolean withContributions, UTF8String[] names) {
    return (x, rows) -> {
      double[] scores = new double[rows];
      float[] contributions = explainTopK > 0 ? new float[rows * width] : null;
      scorer.score(x, rows, width, scores, contributions);
      if (explainTopK == 0) {
        return i -> new Object[] {scores[i]};
      }
      return withContributions
          ? i -> Explanations.internalValues(scores[i], contributions, i * width, width, explainTopK, names)
          : i -> new Object[] {scores[i],
              Explanations.internalTopNames(contributions, i * width, width, explainTopK, names)};
    };
  }

  /**
   * {@code dataset}'s internal rows, each partition mapped by {@code partition}, as a DataFrame of schema
   * {@code out}. internalCreateDataFrame is private[sql] in Scala, public to Java: the one way to hand Spark
   * internal rows without a conversion round trip.
   */
  public static Dataset<Row> mapPartitions(Dataset<?> dataset, StructType out,
      FlatMapFunction<Iterator<InternalRow>, InternalRow> partition) {
    return dataset.sparkSession().internalCreateDataFrame(
        dataset.queryExecution().toRdd().toJavaRDD().mapPartitions(partition).rdd(), out, false);
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
    return new JoinedRow(buffer[i], new GenericInternalRow(columns.values(i)));
  }

  private void fill() {
    size = 0;
    next = 0;
    while (size < batchRows && in.hasNext()) { // size first: hasNext may overwrite the row just read
      InternalRow r = in.next();
      reader.read(r, x, size * width);
      // The input iterator reuses its row object: a held batch copies it; a row of its own is passed on before the
      // next is read.
      buffer[size++] = batchRows == 1 ? r : r.copy();
    }
    if (size > 0) {
      columns = scorer.score(x, size);
    }
  }
}
