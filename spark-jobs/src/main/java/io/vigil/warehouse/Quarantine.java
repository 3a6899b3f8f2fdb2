package io.vigil.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.vigil.data.InputCheck;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The quarantine table {@code vigil.quarantine}: with {@code input.invalid = skip}, a sample of the
 * rejected input rows (at most {@code quarantine.sampleRows}, default 1000) as JSON, with why they
 * were rejected, one partition per (run_date, job, input) replaced on a rerun. The full counts are in
 * the metrics ({@code rows_rejected}) and in score-info.json / model-info.json.
 */
public final class Quarantine {

  static final Map<String, String> COLUMN_COMMENTS = Map.of(
      "row_json", "the rejected input row as JSON (NaN and infinities as strings, nulls omitted)",
      "reason", "bad values per numeric feature column in this input (column: rows)",
      "rows_rejected", "rows of this input rejected in all (the sample may be smaller)",
      "input_path", "the input the rows came from",
      "run_date", "the run date (score) or the training date (train), yyyy-MM-dd",
      "job", "train or score",
      "input", "the config key of the input (train.path, score.path, ...)");

  private Quarantine() {}

  /** Writes the sample when rows were rejected; returns the number of rows written. */
  public static long write(Warehouse wh, int sample, String inputKey, String inputPath, String job, String runDate,
      InputCheck.Result r) {
    if (r.rejected() == 0) {
      return 0;
    }
    StringBuilder reason = new StringBuilder();
    r.invalidByColumn().forEach((c, n) -> reason.append(reason.length() == 0 ? "" : ", ").append(c).append(": ")
        .append(n));
    Dataset<Row> rows = r.rejectedRows().limit(sample)
        .select(to_json(struct(col("*")), Map.of("ignoreNullFields", "true")).as("row_json"))
        .withColumn("reason", lit(reason.toString()))
        .withColumn("rows_rejected", lit(r.rejected()))
        .withColumn("input_path", lit(inputPath))
        .withColumn("run_date", lit(runDate))
        .withColumn("job", lit(job))
        .withColumn("input", lit(inputKey))
        .coalesce(1);
    Tables.replacePartitions(rows, wh.table("quarantine"), List.of("run_date", "job", "input"),
        "Vigil quarantine: a sample of the input rows rejected by input.invalid = skip", COLUMN_COMMENTS);
    return Math.min(sample, r.rejected());
  }
}
