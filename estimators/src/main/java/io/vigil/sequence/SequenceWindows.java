package io.vigil.sequence;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Sliding windows over time-ordered rows, on Spark: rows are grouped per entity (all rows are one
 * entity when no key is named), ordered by the order column (then by row id, so tied timestamps keep a
 * fixed order), and cut into segments wherever the step between two rows exceeds {@code maxGap}. Each
 * segment yields windows of {@code length} rows every {@code stride} rows, plus one window ending at
 * the segment's last row so that every row is in a window; a segment shorter than {@code length} is one
 * window padded by repeating its last row. No window crosses a gap.
 *
 * <p>A window is a flat vector, channel-major ({@code value of feature j at step t} at
 * {@code j * length + t}), DL4J's [channels, steps] sequence layout, and the ids of its rows. Any
 * detector can score the windows; {@link #rowScores} gives each row the max (or mean) of its windows'
 * scores. Each entity's rows meet in one partition (one segment in memory at a time).
 *
 * <p>Order: by the order column; equal times are ordered by a hash of the row (NAB's machine
 * temperature file repeats an hour: its two copies interleave, the same way on every run).
 */
public final class SequenceWindows implements Serializable {

  public static final String WINDOW_ROWS = "window_rows";

  /** How windows are cut. {@code maxGap} in the order column's units (seconds for timestamps); 0 = none. */
  public record Spec(String entityCol, String orderCol, int length, int stride, double maxGap)
      implements Serializable {
    public Spec {
      if (length < 1 || stride < 1 || maxGap < 0) {
        throw new IllegalArgumentException(String.format("windowLength and windowStride must be >= 1 and maxGap"
            + " >= 0, got %d, %d, %s.", length, stride, maxGap));
      }
    }
  }

  private SequenceWindows() {}

  /** Checks the entity and order columns: present, the order column a timestamp, date or number. */
  public static void validate(StructType schema, Spec spec) {
    if (!spec.entityCol().isEmpty() && !List.of(schema.fieldNames()).contains(spec.entityCol())) {
      throw new IllegalArgumentException(String.format("Entity column '%s' (entityCol) not found; columns: %s.",
          spec.entityCol(), String.join(", ", schema.fieldNames())));
    }
    if (!List.of(schema.fieldNames()).contains(spec.orderCol())) {
      throw new IllegalArgumentException(String.format("Order column '%s' (orderCol) not found; columns: %s.",
          spec.orderCol(), String.join(", ", schema.fieldNames())));
    }
    DataType t = schema.apply(spec.orderCol()).dataType();
    if (!(t instanceof NumericType) && !t.equals(DataTypes.TimestampType) && !t.equals(DataTypes.DateType)) {
      throw new IllegalArgumentException(String.format("Order column '%s' must be a timestamp, date or number,"
          + " not %s.", spec.orderCol(), t.simpleString()));
    }
  }

  /**
   * {@code rows} with each entity's rows in one partition, ordered by time; ties (equal timestamps) are
   * broken by a hash of the whole row, so the order never depends on how the input was partitioned.
   */
  public static Dataset<Row> sortedForWindows(Dataset<Row> rows, Spec spec) {
    return sortedForWindows(rows, spec, "");
  }

  /**
   * As above; the hash leaves out column {@code markerCol} (a history marker), so a row sorts the same
   * whether it is scored or only history.
   */
  public static Dataset<Row> sortedForWindows(Dataset<Row> rows, Spec spec, String markerCol) {
    Dataset<Row> parts = spec.entityCol().isEmpty() ? rows.repartition(1) : rows.repartition(col(spec.entityCol()));
    return parts.sortWithinPartitions(order(rows, spec, markerCol, false));
  }

  /** Entity, time, then a hash of the row's other columns (descending when {@code latestFirst}). */
  private static Column[] order(Dataset<Row> rows, Spec spec, String markerCol, boolean latestFirst) {
    List<Column> order = new ArrayList<>();
    if (!spec.entityCol().isEmpty()) {
      order.add(col(spec.entityCol()));
    }
    order.add(col(spec.orderCol()));
    order.add(xxhash64(java.util.Arrays.stream(rows.columns()).filter(c -> !c.equals(markerCol))
        .map(c -> col("`" + c + "`")).toArray(Column[]::new)));
    return order.stream().map(c -> latestFirst ? c.desc() : c).toArray(Column[]::new);
  }

  /**
   * A series with no entity column, cut into {@code chunks} time ranges (one partition each, sorted as
   * {@link #sortedForWindows} sorts), each preceded and followed by the {@code halo} nearest rows of the
   * ranges around it with boolean column {@code markerCol} set to true: the windows of a range's own rows
   * see the same neighbours as in one pass over the whole series, but the series is not one task. Only
   * the ranges' first and last {@code halo} rows reach the driver (at most 2 x chunks x halo rows), to be
   * handed to the neighbouring ranges, also across ranges with fewer rows than the halo.
   */
  public static org.apache.spark.api.java.JavaRDD<Row> chunksWithHalo(Dataset<Row> rows, Spec spec, String markerCol,
      int chunks, int halo) {
    if (!spec.entityCol().isEmpty()) {
      throw new IllegalArgumentException("chunksWithHalo splits a series with no entity column; this one has "
          + spec.entityCol() + ".");
    }
    Column[] order = order(rows, spec, markerCol, false);
    org.apache.spark.api.java.JavaRDD<Row> sorted = rows.repartitionByRange(chunks, order)
        .sortWithinPartitions(order).javaRDD();
    int marker = rows.schema().fieldIndex(markerCol);
    // collect() returns the ranges in partition order, which is time order
    List<Row[][]> ends = sorted.mapPartitions(it -> {
      List<Row> first = new ArrayList<>();
      java.util.ArrayDeque<Row> last = new java.util.ArrayDeque<>();
      while (it.hasNext()) {
        Row r = it.next();
        if (first.size() < halo) {
          first.add(r);
        }
        last.addLast(r);
        if (last.size() > halo) {
          last.removeFirst();
        }
      }
      return java.util.Collections.singletonList(new Row[][] {first.toArray(new Row[0]), last.toArray(new Row[0])})
          .iterator();
    }).collect();
    List<Row[][]> halos = new ArrayList<>(); // per range: {rows before, rows after}, marked
    for (int k = 0; k < ends.size(); k++) {
      java.util.LinkedList<Row> before = new java.util.LinkedList<>();
      for (int j = k - 1; j >= 0 && before.size() < halo; j--) {
        Row[] tail = ends.get(j)[1];
        for (int i = tail.length - 1; i >= 0 && before.size() < halo; i--) {
          before.addFirst(marked(tail[i], marker));
        }
      }
      List<Row> after = new ArrayList<>();
      for (int j = k + 1; j < ends.size() && after.size() < halo; j++) {
        for (Row r : ends.get(j)[0]) {
          if (after.size() < halo) {
            after.add(marked(r, marker));
          }
        }
      }
      halos.add(new Row[][] {before.toArray(new Row[0]), after.toArray(new Row[0])});
    }
    org.apache.spark.broadcast.Broadcast<List<Row[][]>> shared =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(halos);
    return sorted.mapPartitionsWithIndex((chunk, it) -> {
      Row[][] around = shared.value().get(chunk);
      return new Iterator<Row>() {
        private int before;
        private int after;

        @Override
        public boolean hasNext() {
          return before < around[0].length || it.hasNext() || after < around[1].length;
        }

        @Override
        public Row next() {
          if (before < around[0].length) {
            return around[0][before++];
          }
          if (it.hasNext()) {
            return it.next();
          }
          if (after < around[1].length) {
            return around[1][after++];
          }
          throw new java.util.NoSuchElementException();
        }
      };
    }, true);
  }

  /** {@code row} with boolean column {@code marker} set to true. */
  private static Row marked(Row row, int marker) {
    Object[] values = new Object[row.length()];
    for (int c = 0; c < values.length; c++) {
      values[c] = row.get(c);
    }
    values[marker] = true;
    return RowFactory.create(values);
  }

  /**
   * The last {@code n} rows of each entity of {@code rows}, in the order {@link #sortedForWindows} gives
   * them: the history a window of length n + 1 can reach from the next rows.
   */
  public static Dataset<Row> lastRows(Dataset<Row> rows, Spec spec, int n) {
    validate(rows.schema(), spec);
    Column[] latestFirst = order(rows, spec, "", true);
    if (spec.entityCol().isEmpty()) {
      return rows.orderBy(latestFirst).limit(n); // a top-n per partition, then one merge
    }
    String rank = "_vigil_rank";
    org.apache.spark.sql.expressions.WindowSpec perEntity = org.apache.spark.sql.expressions.Window
        .partitionBy(col(spec.entityCol())).orderBy(java.util.Arrays.copyOfRange(latestFirst, 1, latestFirst.length));
    return rows.withColumn(rank, org.apache.spark.sql.functions.row_number().over(perEntity))
        .where(col(rank).leq(n)).drop(rank);
  }

  /**
   * The windows of {@code rows} (which hold {@code featuresCol}, {@code idCol} (long) and the spec's
   * columns): columns {@code outCol} (the flat window vector) and {@link #WINDOW_ROWS} (array of the ids
   * of the window's rows).
   */
  public static Dataset<Row> windows(Dataset<Row> rows, String featuresCol, String idCol, Spec spec, String outCol) {
    return windows(rows, featuresCol, rows.schema().fieldIndex(idCol), spec, outCol);
  }

  /** The windows of {@code rows} as one column, {@code outCol}, of flat window vectors (what training needs). */
  public static Dataset<Row> windowVectors(Dataset<Row> rows, String featuresCol, Spec spec, String outCol) {
    return windows(rows, featuresCol, -1, spec, outCol);
  }

  /** Windows with their rows' ids from column {@code id}, or without ids when {@code id} < 0. */
  private static Dataset<Row> windows(Dataset<Row> rows, String featuresCol, int id, Spec spec, String outCol) {
    validate(rows.schema(), spec);
    StructType schema = rows.schema();
    int features = schema.fieldIndex(featuresCol);
    StructType out = new StructType().add(outCol, SQLDataTypes.VectorType(), false);
    if (id >= 0) {
      out = out.add(WINDOW_ROWS, DataTypes.createArrayType(DataTypes.LongType, false), false);
    }
    return sortedForWindows(rows, spec).mapPartitions((MapPartitionsFunction<Row, Row>) it ->
        flatMapSegments(segments(it, schema, spec), segment -> {
          List<Row> made = new ArrayList<>();
          for (int[] w : windowsOf(segment.size(), spec)) {
            org.apache.spark.ml.linalg.Vector vector =
                Vectors.dense(toDoubles(vector(segment, w[0], w[1], features, spec.length())));
            if (id < 0) {
              made.add(RowFactory.create(vector));
              continue;
            }
            List<Long> ids = new ArrayList<>(w[1]);
            for (int i = w[0]; i < w[0] + w[1]; i++) {
              ids.add(segment.get(i).getLong(id));
            }
            made.add(RowFactory.create(vector, scala.collection.JavaConverters.asScalaBuffer(ids).toSeq()));
          }
          return made;
        }), Encoders.row(out));
  }

  /** The rows {@code perSegment} makes of each segment, one segment at a time. */
  public static Iterator<Row> flatMapSegments(Iterator<List<Row>> segments,
      java.util.function.Function<List<Row>, List<Row>> perSegment) {
    return new Iterator<Row>() {
      private List<Row> current = List.of();
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= current.size() && segments.hasNext()) {
          current = perSegment.apply(segments.next());
          next = 0;
        }
        return next < current.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.get(next++);
      }
    };
  }

  /**
   * Row scores: ({@code idCol}, {@code scoreCol}) = max or mean of the scores of the windows holding the row;
   * for rule last, only the rows that end a window, with its score (the caller carries them forward in time).
   */
  public static Dataset<Row> rowScores(Dataset<Row> scoredWindows, String idCol, String windowScoreCol,
      String scoreCol, String rule) {
    if (rule.equals("last")) {
      return scoredWindows.select(org.apache.spark.sql.functions.element_at(col(WINDOW_ROWS), -1).as(idCol),
          col(windowScoreCol).as(scoreCol));
    }
    Dataset<Row> perRow = scoredWindows.select(explode(col(WINDOW_ROWS)).as(idCol), col(windowScoreCol));
    Column agg = rule.equals("mean") ? mean(windowScoreCol) : max(windowScoreCol);
    return perRow.groupBy(idCol).agg(agg.as(scoreCol));
  }

  /**
   * The segments of a partition sorted by {@link #sortedForWindows}: runs of rows of one entity with no
   * step larger than maxGap. One segment is held in memory at a time.
   */
  public static Iterator<List<Row>> segments(Iterator<Row> sorted, StructType schema, Spec spec) {
    int entity = spec.entityCol().isEmpty() ? -1 : schema.fieldIndex(spec.entityCol());
    int order = schema.fieldIndex(spec.orderCol());
    DataType orderType = schema.apply(spec.orderCol()).dataType();
    return new Iterator<List<Row>>() {
      private Row carried;

      @Override
      public boolean hasNext() {
        return carried != null || sorted.hasNext();
      }

      @Override
      public List<Row> next() {
        List<Row> segment = new ArrayList<>();
        Row previous = null;
        double previousTime = 0;
        while (carried != null || sorted.hasNext()) {
          Row r = carried != null ? carried : sorted.next();
          carried = null;
          if (r.isNullAt(order)) {
            throw new IllegalArgumentException("Order column '" + spec.orderCol() + "' is null in a row; windows need"
                + " every row's time (set input.invalid to drop or quarantine such rows).");
          }
          double time = time(r, order, orderType);
          boolean breaks = previous != null && (!java.util.Objects.equals(entity < 0 ? null : previous.get(entity),
              entity < 0 ? null : r.get(entity)) || (spec.maxGap() > 0 && time - previousTime > spec.maxGap()));
          if (breaks) {
            carried = r;
            break;
          }
          segment.add(r);
          previous = r;
          previousTime = time;
        }
        return segment;
      }
    };
  }

  /** The order column as a number: seconds for timestamps and dates. */
  private static double time(Row r, int index, DataType type) {
    if (type.equals(DataTypes.TimestampType)) {
      java.sql.Timestamp t = r.getTimestamp(index);
      return t.getTime() / 1000.0;
    }
    if (type.equals(DataTypes.DateType)) {
      return r.getDate(index).getTime() / 1000.0;
    }
    return ((Number) r.get(index)).doubleValue();
  }

  /**
   * The windows of a segment of {@code n} rows as {start, count}: every {@code stride} rows, plus one
   * ending at the last row when the stride skipped the tail; a segment of at most {@code length} rows is
   * one window (padded by {@link #vector}).
   */
  public static List<int[]> windowsOf(int n, Spec spec) {
    List<int[]> out = new ArrayList<>();
    int length = spec.length();
    if (n <= length) {
      out.add(new int[] {0, n});
      return out;
    }
    int start = 0;
    for (; start + length <= n; start += spec.stride()) {
      out.add(new int[] {start, length});
    }
    if (start - spec.stride() + length < n) {
      out.add(new int[] {n - length, length});
    }
    return out;
  }

  /**
   * Rows [start, start + count) of a segment as one flat window of {@code length} steps, channel-major
   * (feature j at step t at {@code j * length + t}); a short window repeats its last row.
   */
  public static float[] vector(List<Row> segment, int start, int count, int featuresIndex, int length) {
    Vector first = (Vector) segment.get(start).get(featuresIndex);
    int width = first.size();
    float[] values = new float[width * length];
    for (int t = 0; t < length; t++) {
      Vector v = (Vector) segment.get(start + Math.min(t, count - 1)).get(featuresIndex);
      if (v == null || v.size() != width) {
        throw new IllegalArgumentException(String.format("Feature vectors of one window differ in width: %d and"
            + " %s.", width, v == null ? "null" : String.valueOf(v.size())));
      }
      for (int j = 0; j < width; j++) {
        values[j * length + t] = (float) v.apply(j);
      }
    }
    return values;
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
