package io.vigil.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.eval.Charts;
import io.vigil.eval.EvaluationSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * evaluate: read partition (run_date, detector) of the score table and write the metric summary:
 * a row appended to the metrics table, {@code metrics.json}, {@code histogram.png} and
 * {@code roc_pr.png} under {@code reports/D/<dataset>/<detector>/}.
 */
public final class EvaluateJob {

  /** The metrics table's columns, in order. */
  public static final StructType METRICS_SCHEMA = schema(
      "dataset", DataTypes.StringType, "protocol", DataTypes.StringType, "detector", DataTypes.StringType,
      "model_version", DataTypes.StringType, "run_date", DataTypes.StringType,
      "roc_auc", DataTypes.DoubleType, "pr_auc", DataTypes.DoubleType, "accuracy", DataTypes.DoubleType,
      "precision", DataTypes.DoubleType, "recall", DataTypes.DoubleType, "f1", DataTypes.DoubleType,
      "f2", DataTypes.DoubleType, "threshold", DataTypes.DoubleType,
      "threshold_strategy", DataTypes.StringType, "n_train", DataTypes.LongType,
      "n_test", DataTypes.LongType, "n_test_anomalies", DataTypes.LongType, "n_flagged", DataTypes.LongType,
      "rows_rejected", DataTypes.LongType, "evaluated_at", DataTypes.StringType);

  private EvaluateJob() {}

  public static Map<String, Object> run(JobContext ctx, String detector, String runDate) {
    JobConfig c = ctx.config();
    Warehouse wh = ctx.warehouse();
    String reportDir = wh.reportDir(runDate, ctx.datasetKey(), detector);
    String scoreInfoPath = reportDir + "/score-info.json";
    if (!wh.exists(scoreInfoPath)) {
      throw new IllegalArgumentException("No score run of " + detector + " for " + runDate + " (" + scoreInfoPath
          + " is missing); run score first.");
    }
    JsonNode scoreInfo = wh.readJson(scoreInfoPath);
    String version = scoreInfo.path("model_version").asText();
    JsonNode modelInfo = wh.readJson(wh.modelDir(ctx.datasetKey(), detector, version) + "/model-info.json");
    double threshold = modelInfo.path("threshold").asDouble();
    ctx.describe("vigil-evaluate-" + detector, "Vigil evaluate " + detector + " for " + runDate);

    String table = wh.table(c.get("scores.table"));
    String partition = table + "/run_date=" + runDate + "/detector=" + detector;
    EvaluationSummary summary;
    long flagged;
    if (!wh.exists(partition)) {
      summary = AnomalyEvaluator.summarize(emptyScores(ctx), "score", "label", threshold, 200, 50);
      flagged = 0;
    } else {
      Dataset<Row> rows = ctx.spark().read().parquet(table)
          .where(col("run_date").cast("string").equalTo(lit(runDate)).and(col("detector").equalTo(lit(detector))))
          .select("score", ctx.labelCol());
      summary = AnomalyEvaluator.summarize(rows, "score", ctx.labelCol(), threshold, 200, 50);
      flagged = summary.truePositives() + summary.falsePositives();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", c.get("dataset"));
    m.put("protocol", c.get("protocol", "custom"));
    m.put("detector", detector);
    m.put("model_version", version);
    m.put("run_date", runDate);
    m.putAll(summary.metrics());
    m.put("threshold_strategy", modelInfo.path("threshold_strategy").asText());
    m.put("n_train", modelInfo.path("n_train").asLong());
    m.put("n_flagged", flagged);
    m.put("rows_rejected", scoreInfo.path("rows_rejected").asLong());
    m.put("evaluated_at", Instant.now().toString());

    String title = ctx.datasetKey() + " / " + detector + " / " + runDate;
    wh.writeJson(reportDir + "/metrics.json", m);
    wh.writeBytes(reportDir + "/histogram.png", Charts.histogramPng(summary, "Scores by class: " + title));
    wh.writeBytes(reportDir + "/roc_pr.png", Charts.curvesPng(summary, "ROC and PR: " + title));
    appendMetricsRow(ctx, m);
    return m;
  }

  private static void appendMetricsRow(JobContext ctx, Map<String, Object> m) {
    Object[] values = new Object[METRICS_SCHEMA.size()];
    for (int i = 0; i < values.length; i++) {
      String name = METRICS_SCHEMA.fields()[i].name();
      Object v = m.get(name);
      DataType t = METRICS_SCHEMA.fields()[i].dataType();
      if (v instanceof Number n) {
        v = t.equals(DataTypes.LongType) ? (Object) n.longValue() : (Object) n.doubleValue();
      }
      values[i] = v;
    }
    ctx.spark().createDataFrame(List.of(RowFactory.create(values)), METRICS_SCHEMA).coalesce(1)
        .write().mode(SaveMode.Append).parquet(ctx.warehouse().metricsTable());
  }

  private static Dataset<Row> emptyScores(JobContext ctx) {
    StructType s = new StructType().add("score", DataTypes.DoubleType).add("label", DataTypes.IntegerType);
    return ctx.spark().createDataFrame(new ArrayList<Row>(), s);
  }

  private static StructType schema(Object... nameTypes) {
    StructType s = new StructType();
    for (int i = 0; i < nameTypes.length; i += 2) {
      s = s.add((String) nameTypes[i], (DataType) nameTypes[i + 1], true);
    }
    return s;
  }
}
