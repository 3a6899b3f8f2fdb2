package io.vigil.dl4j;

import io.vigil.core.Schemas;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a dataset with a DL4J network in batches of {@link #BATCH_ROWS} rows per INDArray call
 * (never row by row): the network is broadcast once as bytes, restored once per partition, and each
 * batch becomes one FLOAT matrix.
 */
public final class BatchScoring {

  public static final int BATCH_ROWS = 4096;

  /** Scores of a batch: one per row of {@code x}, higher = more anomalous. */
  @FunctionalInterface
  public interface BatchScorer extends Serializable {
    double[] score(MultiLayerNetwork net, INDArray x);
  }

  private BatchScoring() {}

  public static Dataset<Row> appendScores(Dataset<?> dataset, byte[] network, String featuresCol, String scoreCol,
      int width, BatchScorer scorer) {
    Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
        .broadcast(network);
    StructType out = dataset.schema().add(scoreCol, DataTypes.DoubleType, false);
    int index = dataset.schema().fieldIndex(featuresCol);
    MapPartitionsFunction<Row, Row> f = rows -> {
      Nd4jArrays.setUpTask();
      MultiLayerNetwork net = Nd4jArrays.fromBytes(shared.value());
      return new Batches(rows, net, index, featuresCol, width, scorer);
    };
    return dataset.toDF().mapPartitions(f, Encoders.row(out));
  }

  /** Reads up to BATCH_ROWS rows, scores them in one call, then emits them with their scores. */
  private static final class Batches implements Iterator<Row> {
    private final Iterator<Row> in;
    private final MultiLayerNetwork net;
    private final int index;
    private final String column;
    private final int width;
    private final BatchScorer scorer;
    private final List<Row> buffer = new ArrayList<>();
    private double[] scores = new double[0];
    private int next;

    Batches(Iterator<Row> in, MultiLayerNetwork net, int index, String column, int width, BatchScorer scorer) {
      this.in = in;
      this.net = net;
      this.index = index;
      this.column = column;
      this.width = width;
      this.scorer = scorer;
    }

    @Override
    public boolean hasNext() {
      if (next < buffer.size()) {
        return true;
      }
      fill();
      return next < buffer.size();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = buffer.get(next);
      Object[] values = new Object[r.length() + 1];
      for (int i = 0; i < r.length(); i++) {
        values[i] = r.get(i);
      }
      values[r.length()] = scores[next++];
      return RowFactory.create(values);
    }

    private void fill() {
      buffer.clear();
      next = 0;
      List<float[]> features = new ArrayList<>();
      while (in.hasNext() && buffer.size() < BATCH_ROWS) {
        Row r = in.next();
        features.add(Nd4jArrays.toFloats(Schemas.requireWidth((Vector) r.get(index), column, width)));
        buffer.add(r);
      }
      if (!buffer.isEmpty()) {
        scores = scorer.score(net, Nd4jArrays.matrix(features, width));
      }
    }
  }
}
