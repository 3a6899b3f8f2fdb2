package io.vigil.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The ADBench protocol (DEVELOPERS.md): a stratified 70/30 split with seed 42; train on the label-0
 * rows of the 70%, evaluate on the 30%. Files are {@code <name>.csv.gz} with columns f0..f{d-1} and
 * {@code label}.
 *
 * <p>The split is exactly stratified (per class, round(0.7 n) rows to the 70%) and seeded, but it is
 * not numpy's permutation: rows are ranked per class by a seeded hash of their line number, so Vigil's
 * split is reproducible on any cluster, and comparable to published figures only statistically.
 */
public final class AdbenchData {

  public static final long SEED = 42;
  public static final double TRAIN_SHARE = 0.7;

  private AdbenchData() {}

  /**
   * Writes {@code train} (label-0 rows of the 70%), {@code test} (the 30%) and {@code val} (the whole 70%,
   * labelled) under {@code outputDir}. The protocol has no validation split: {@code val} is the training
   * split with its anomalies, which training never sees (its normal rows are the training rows), for choices
   * that need labels, such as an ensemble's weights; the test split stays untouched.
   */
  public static Map<String, Long> prepare(SparkSession spark, String csvFile, String outputDir) {
    Dataset<Row> indexed = withRowIndex(spark, csvFile);
    Dataset<Row> ranked = indexed
        .withColumn("_rank", row_number().over(Window.partitionBy("label").orderBy(xxhash64(lit(SEED), col("row_index")))))
        .withColumn("_n", count(lit(1)).over(Window.partitionBy("label")));
    org.apache.spark.sql.Column inTrain = col("_rank").leq(org.apache.spark.sql.functions.round(col("_n").multiply(TRAIN_SHARE)));
    Dataset<Row> train = ranked.filter(inTrain.and(col("label").equalTo(0))).drop("_rank", "_n");
    Dataset<Row> test = ranked.filter(org.apache.spark.sql.functions.not(inTrain)).drop("_rank", "_n");
    Dataset<Row> val = ranked.filter(inTrain).drop("_rank", "_n");
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("train", write(train, outputDir, "train"));
    counts.put("test", write(test, outputDir, "test"));
    counts.put("val", write(val, outputDir, "val"));
    return counts;
  }

  /**
   * The adbench-semi protocol (README; DTE's semi-supervised setting, Livernoche et al. 2024): {@code train} =
   * the first round(n_normal / 2) label-0 rows in file order (half to even, as numpy rounds), {@code test} = the
   * other rows, every anomaly among them. Deterministic: no seed, no validation split.
   */
  public static Map<String, Long> prepareSemi(SparkSession spark, String csvFile, String outputDir) {
    Dataset<Row> indexed = withRowIndex(spark, csvFile);
    long normals = indexed.where(col("label").equalTo(0)).count();
    long trainRows = (long) Math.rint(normals / 2.0);
    Dataset<Row> ranked = indexed.withColumn("_rank", row_number().over(Window.partitionBy("label").orderBy("row_index")));
    org.apache.spark.sql.Column inTrain = col("label").equalTo(0).and(col("_rank").leq(trainRows));
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("train", write(ranked.filter(inTrain).drop("_rank"), outputDir, "train"));
    counts.put("test", write(ranked.filter(org.apache.spark.sql.functions.not(inTrain)).drop("_rank"), outputDir,
        "test"));
    return counts;
  }

  /** The file's rows with {@code row_index}, their 0-based line number; an error when it has no label column. */
  private static Dataset<Row> withRowIndex(SparkSession spark, String csvFile) {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").option("mode", "FAILFAST")
        .csv(csvFile);
    if (!java.util.Arrays.asList(raw.columns()).contains("label")) {
      throw new IllegalArgumentException(csvFile + " has no 'label' column; ADBench files end with label.");
    }
    // The file is one gzip stream, hence one partition read in line order: the index is the line number.
    return spark.createDataFrame(raw.javaRDD().zipWithIndex().map(t -> {
      Object[] v = new Object[t._1().length() + 1];
      for (int i = 0; i < t._1().length(); i++) {
        v[i] = t._1().get(i);
      }
      v[v.length - 1] = t._2();
      return org.apache.spark.sql.RowFactory.create(v);
    }), raw.schema().add("row_index", org.apache.spark.sql.types.DataTypes.LongType, false));
  }

  private static long write(Dataset<Row> table, String root, String name) {
    String path = new Path(root, name).toString();
    table.write().mode(SaveMode.Overwrite).parquet(path);
    return table.sparkSession().read().parquet(path).count();
  }
}
