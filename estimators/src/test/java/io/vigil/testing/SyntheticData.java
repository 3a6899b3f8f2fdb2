package io.vigil.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Seeded synthetic data: normal rows near a low-dimensional subspace, anomalies off it. */
public final class SyntheticData {

  private SyntheticData() {}

  /**
   * {@code normal} rows on a {@code rank}-dimensional subspace of R^{@code dim} (plus small noise) and
   * {@code anomalies} rows with large isotropic noise; columns {@code features} (Vector) and
   * {@code label} (0/1).
   */
  public static Dataset<Row> lowRank(SparkSession spark, int normal, int anomalies, int dim, int rank, long seed) {
    Random rnd = new Random(seed);
    double[][] basis = new double[rank][dim];
    for (double[] b : basis) {
      for (int i = 0; i < dim; i++) {
        b[i] = rnd.nextGaussian();
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < normal + anomalies; n++) {
      boolean anomaly = n >= normal;
      double[] x = new double[dim];
      for (double[] b : basis) {
        double z = rnd.nextGaussian() * 3;
        for (int i = 0; i < dim; i++) {
          x[i] += z * b[i];
        }
      }
      for (int i = 0; i < dim; i++) {
        x[i] += rnd.nextGaussian() * (anomaly ? 2.0 : 0.05);
      }
      rows.add(RowFactory.create(Vectors.dense(x), anomaly ? 1 : 0));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /**
   * {@code normal} rows from N(0, 1)^dim and {@code anomalies} rows shifted by {@code shift} in one random
   * coordinate each: outliers an axis-parallel detector (Isolation Forest) can isolate.
   */
  public static Dataset<Row> gaussianWithOutliers(SparkSession spark, int normal, int anomalies, int dim, double shift,
      long seed) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < normal + anomalies; n++) {
      double[] x = new double[dim];
      for (int i = 0; i < dim; i++) {
        x[i] = rnd.nextGaussian();
      }
      boolean anomaly = n >= normal;
      if (anomaly) {
        x[rnd.nextInt(dim)] += shift;
      }
      rows.add(RowFactory.create(Vectors.dense(x), anomaly ? 1 : 0));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /** Rows (score, label) from two arrays. */
  public static Dataset<Row> scores(SparkSession spark, double[] scores, int[] labels, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      rows.add(RowFactory.create(scores[i], labels[i]));
    }
    StructType schema = new StructType().add("score", DataTypes.DoubleType, true)
        .add("label", DataTypes.IntegerType, true);
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  /**
   * Of {@link #gaussianWithOutliers} anomalies (label 1) scored with explanations, the share whose top feature
   * (column {@code score_top_features}) is the coordinate that was shifted, the largest |x_j|.
   */
  public static double shareNamingTheShiftedFeature(Dataset<Row> scored) {
    List<Row> rows = scored.where("label = 1").select("features", "score_top_features").collectAsList();
    int right = 0;
    for (Row r : rows) {
      double[] x = ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray();
      int shifted = 0;
      for (int j = 1; j < x.length; j++) {
        shifted = Math.abs(x[j]) > Math.abs(x[shifted]) ? j : shifted;
      }
      List<String> top = r.getList(1);
      right += !top.isEmpty() && top.get(0).equals("f" + shifted) ? 1 : 0;
    }
    return right / (double) rows.size();
  }
}
