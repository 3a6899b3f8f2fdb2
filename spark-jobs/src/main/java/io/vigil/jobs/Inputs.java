package io.vigil.jobs;

import io.vigil.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/** Reads the input a config names: {@code input.format} = parquet (default) or csv. */
public final class Inputs {

  private Inputs() {}

  /** The table at the path in config key {@code key} (e.g. train.path), or an error naming key and path. */
  public static Dataset<Row> read(SparkSession spark, JobConfig config, Warehouse warehouse, String key) {
    String path = config.get(key);
    if (!warehouse.exists(path)) {
      throw new IllegalArgumentException(String.format("Input %s = %s does not exist%s.", key, path,
          path.contains("/prepared/") ? "; run prepare first (run does it for you)" : ""));
    }
    String format = config.get("input.format", "parquet");
    DataFrameReader reader = spark.read();
    switch (format) {
      case "parquet":
        return parquet(spark, reader, key, path);
      case "csv":
        // FAILFAST: a ragged or unparsable row is an error naming the row, never a silent null.
        return reader.option("header", config.get("csv.header", "true"))
            .option("inferSchema", "true").option("mode", "FAILFAST").csv(path);
      default:
        throw new IllegalArgumentException("input.format must be parquet or csv, got '" + format + "'.");
    }
  }

  /**
   * Reads Parquet with the schemas of all files merged, so that files which disagree are caught here
   * rather than mid-job: a column missing from some files arrives as nulls (the input policy counts
   * and names them), and a column whose type differs between files is an error naming the column and
   * a file of each type. (Without merging, Spark takes one file's schema and fails later, mid-write.)
   */
  private static Dataset<Row> parquet(SparkSession spark, DataFrameReader reader, String key, String path) {
    try {
      return reader.option("mergeSchema", "true").parquet(path);
    } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown unchecked
      if (!String.valueOf(e.getMessage()).contains("CANNOT_MERGE")) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
      throw new IllegalArgumentException(String.format("Input %s = %s: its Parquet files disagree on a column's"
          + " type: %s. Rewrite the files with one schema.", key, path, typeConflicts(spark, path)), e);
    }
  }

  /** For the error message: each column with more than one type, and one file per type. */
  private static String typeConflicts(SparkSession spark, String path) {
    Map<String, Map<String, String>> typesByColumn = new TreeMap<>();
    try {
      FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(path), true);
      int read = 0;
      // Only on the failure path, and capped: one footer read per file from the driver.
      while (files.hasNext() && read < 1000) {
        Path file = files.next().getPath();
        if (!file.getName().endsWith(".parquet")) {
          continue;
        }
        read++;
        for (StructField f : spark.read().parquet(file.toString()).schema().fields()) {
          typesByColumn.computeIfAbsent(f.name(), n -> new TreeMap<>())
              .putIfAbsent(f.dataType().simpleString(), file.getName());
        }
      }
    } catch (java.io.IOException e) {
      return "(could not list the files: " + e.getMessage() + ")";
    }
    List<String> conflicts = new ArrayList<>();
    typesByColumn.forEach((column, types) -> {
      if (types.size() > 1) {
        List<String> each = new ArrayList<>();
        types.forEach((type, file) -> each.add(type + " in " + file));
        conflicts.add("column '" + column + "' is " + String.join(", ", each));
      }
    });
    return conflicts.isEmpty() ? "(no single column found; see the cause)" : String.join("; ", conflicts);
  }
}
