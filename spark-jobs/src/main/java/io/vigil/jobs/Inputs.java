package io.vigil.jobs;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
        return reader.parquet(path);
      case "csv":
        // FAILFAST: a ragged or unparsable row is an error naming the row, never a silent null.
        return reader.option("header", config.get("csv.header", "true"))
            .option("inferSchema", "true").option("mode", "FAILFAST").csv(path);
      default:
        throw new IllegalArgumentException("input.format must be parquet or csv, got '" + format + "'.");
    }
  }
}
