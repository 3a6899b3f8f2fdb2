package io.vigil.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Three NAB series (realKnownCause: machine temperature, NYC taxi, ambient temperature) and NAB's
 * labelled anomaly windows ({@code combined_windows.json}): a row is anomalous (label 1) inside a window,
 * bounds included, and {@code window_id} numbers the file's windows (null outside). Rows keep their
 * file order as {@code row_index} (0-based data line) and are not sorted or de-duplicated here: the
 * machine temperature file repeats one hour (SOURCE.md), and the sequence detector orders rows by time.
 *
 * <p>The nab protocol (conf/nab.conf): per series, train on all rows, labels unused (NAB's detectors
 * see the whole stream too); score the whole series (windows need it whole); the threshold is the best
 * F1 on the validation rows ({@code row_index % 5 = 0}); ROC AUC, PR AUC and the windows with a flagged
 * row are reported on the test rows (the rest).
 */
public final class NabData {

  public static final List<String> SERIES = List.of("machine_temperature_system_failure", "nyc_taxi",
      "ambient_temperature_system_failure");
  public static final String WINDOWS_FILE = "combined_windows.json";

  private NabData() {}

  /** Writes {@code <outputDir>/nab/<series>} for each series; returns the row counts. */
  public static Map<String, Long> prepare(SparkSession spark, String sourceDir, String outputDir) {
    JsonNode windows = readWindows(spark, sourceDir + "/" + WINDOWS_FILE);
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String series : SERIES) {
      String file = sourceDir + "/" + series + ".csv";
      JsonNode own = windows.get("realKnownCause/" + series + ".csv");
      if (own == null) {
        throw new IllegalArgumentException(WINDOWS_FILE + " has no windows for realKnownCause/" + series + ".csv.");
      }
      Dataset<Row> raw = spark.read().option("header", "true").option("mode", "FAILFAST")
          .schema("timestamp STRING, value DOUBLE").csv(file).coalesce(1);
      // One small file in one partition, read in line order: the index is the data line number.
      Dataset<Row> indexed = spark.createDataFrame(raw.javaRDD().zipWithIndex().map(t ->
          RowFactory.create(t._1().get(0), t._1().get(1), t._2())), raw.schema().add("row_index",
          DataTypes.LongType, false));
      Column ts = to_timestamp(col("timestamp"), "yyyy-MM-dd HH:mm:ss");
      Column windowId = lit(null).cast(DataTypes.IntegerType);
      for (int k = own.size() - 1; k >= 0; k--) {
        Column start = to_timestamp(lit(own.get(k).get(0).asText()), "yyyy-MM-dd HH:mm:ss.SSSSSS");
        Column end = to_timestamp(lit(own.get(k).get(1).asText()), "yyyy-MM-dd HH:mm:ss.SSSSSS");
        windowId = when(ts.geq(start).and(ts.leq(end)), lit(k)).otherwise(windowId);
      }
      Dataset<Row> table = indexed.select(lit(series).as("series"), col("row_index"), ts.as("timestamp"),
          col("value"), windowId.as("window_id"))
          .withColumn("label", when(col("window_id").isNotNull(), 1).otherwise(0));
      long bad = table.where(col("timestamp").isNull().or(col("value").isNull())).count();
      if (bad > 0) {
        throw new IllegalArgumentException(String.format("%s: %d rows without a parseable timestamp or value.", file,
            bad));
      }
      String path = new Path(outputDir, "nab/" + series).toString();
      table.write().mode(SaveMode.Overwrite).parquet(path);
      counts.put(series, spark.read().parquet(path).count());
    }
    return counts;
  }

  private static JsonNode readWindows(SparkSession spark, String file) {
    Path path = new Path(file);
    try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the NAB windows " + file, e);
    }
  }
}
