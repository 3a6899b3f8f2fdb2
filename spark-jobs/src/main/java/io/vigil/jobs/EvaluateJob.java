package io.vigil.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.threshold.Drift;
import io.vigil.eval.EvaluationSummary;
import io.vigil.reports.Charts;
import io.vigil.warehouse.ModelInfo;
import io.vigil.warehouse.ScoreInfo;
import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * evaluate: read partition (run_date, detector) of the score table and write the metric summary:
 * the row (run_date, dataset, protocol, detector) of the metrics table {@code vigil.metrics}
 * (replaced on a rerun, in one commit), {@code metrics.json}, {@code histogram.png} and
 * {@code roc_pr.png} under {@code reports/D/<dataset>/<detector>/}.
 *
 * <p>Drift, labelled or not: the PSI of the run's scores against the training scores
 * ({@link Drift}, bins stored in model-info.json) and the share of rows flagged against the share of
 * training rows above the threshold; {@code drift_alarm} when PSI exceeds {@code drift.psiAlarm}
 * (default 0.2). Without a label column the ranking metrics are null and no charts are drawn.
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
      "rows_rejected", DataTypes.LongType, "share_flagged", DataTypes.DoubleType,
      "expected_share_flagged", DataTypes.DoubleType, "psi", DataTypes.DoubleType,
      "drift_alarm", DataTypes.BooleanType, "retrained", DataTypes.BooleanType,
      "evaluated_at", DataTypes.StringType);

  /** Column comments of vigil.metrics. */
  static final Map<String, String> COLUMN_COMMENTS = Map.ofEntries(
      Map.entry("dataset", "config key dataset"), Map.entry("protocol", "config key protocol"),
      Map.entry("detector", "detector name"), Map.entry("model_version", "registry version that scored the run"),
      Map.entry("run_date", "run date (yyyy-MM-dd)"),
      Map.entry("roc_auc", "ROC AUC of the scores against the labels (null without labels)"),
      Map.entry("pr_auc", "average precision (area under the PR curve; null without labels)"),
      Map.entry("accuracy", "accuracy at the threshold"), Map.entry("precision", "precision at the threshold"),
      Map.entry("recall", "recall at the threshold"), Map.entry("f1", "F1 at the threshold"),
      Map.entry("f2", "F2 at the threshold"), Map.entry("threshold", "the model's score threshold"),
      Map.entry("threshold_strategy", "how the threshold was chosen"),
      Map.entry("n_train", "training rows of the model"), Map.entry("n_test", "rows scored in the run"),
      Map.entry("n_test_anomalies", "labelled anomalies among them (null without labels)"),
      Map.entry("n_flagged", "rows at or above the threshold"),
      Map.entry("rows_rejected", "input rows rejected by the input policy (input.invalid = skip)"),
      Map.entry("share_flagged", "n_flagged / n_test"),
      Map.entry("expected_share_flagged", "share of training rows at or above the threshold"),
      Map.entry("psi", "population stability index of the run's scores against the training scores"),
      Map.entry("drift_alarm", "true when psi > drift.psiAlarm"),
      Map.entry("retrained", "true when this run trained a new model first (nightly)"),
      Map.entry("evaluated_at", "when this row was written (UTC)"));

  private EvaluateJob() {}

  public static Map<String, Object> run(JobContext ctx, String detector, String runDate) {
    return run(ctx, detector, runDate, false);
  }

  /** As {@link #run(JobContext, String, String)}; {@code retrained} is recorded in the metrics row. */
  public static Map<String, Object> run(JobContext ctx, String detector, String runDate, boolean retrained) {
    JobConfig c = ctx.config();
    Warehouse wh = ctx.warehouse();
    String reportDir = wh.reportDir(runDate, ctx.datasetKey(), detector);
    ScoreInfo scoreInfo = ScoreInfo.read(wh, reportDir, detector, runDate);
    String version = scoreInfo.modelVersion();
    // the threshold and the drift baseline, from the record of the model that scored the run (written from the
    // fitted model at training time: loading the model itself would read its data, e.g. a knn reference set)
    ModelInfo model = ModelInfo.read(wh, wh.modelDir(ctx.datasetKey(), detector, version));
    double threshold = model.threshold();
    ctx.describe("vigil-evaluate-" + detector, "Vigil evaluate " + detector + " for " + runDate);

    String table = wh.table(c.get("scores.table"));
    Dataset<Row> rows = Tables.exists(ctx.spark(), table)
        ? Tables.read(ctx.spark(), table).where(col("run_date").equalTo(lit(runDate))
            .and(col("detector").equalTo(lit(detector))))
        : emptyScores(ctx);
    if (c.has("test.rows") && !Inputs.has(c, "score")) {
      // The rows that count (e.g. nab's row_index % 5 != 0), chosen after scoring the whole input: a
      // windowed detector needs the series whole.
      rows = rows.where(org.apache.spark.sql.functions.expr(c.get("test.rows")));
    }
    String eventCol = c.get("eval.eventCol", "");
    Map<String, Object> events = eventCol.isEmpty() ? Map.of() : events(rows, eventCol, threshold);
    boolean labelled = java.util.Arrays.asList(rows.columns()).contains(ctx.labelCol());
    Dataset<Row> scores = rows.select(labelled ? new org.apache.spark.sql.Column[] {col("score"),
        col(ctx.labelCol())} : new org.apache.spark.sql.Column[] {col("score")}).persist();
    Map<String, Object> m = new LinkedHashMap<>();
    EvaluationSummary summary = null;
    EvaluationSummary distribution = null; // without labels: the scores' histogram alone
    long n;
    long flagged;
    try {
      // both counts in one pass (each Spark job costs the driver planning and scheduling, not only its rows)
      Row counts = scores.agg(org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.count(
          org.apache.spark.sql.functions.when(col("score").geq(threshold), 1))).first();
      n = counts.getLong(0);
      flagged = counts.getLong(1);
      if (labelled) {
        summary = AnomalyEvaluator.summarize(scores, "score", ctx.labelCol(), threshold, 200, 50);
      } else if (n > 0) {
        String none = io.vigil.features.FeaturePipeline.TEMP_PREFIX + "no_label";
        distribution = AnomalyEvaluator.summarize(scores.withColumn(none, lit(0)), "score", none, threshold, 2, 50);
      }
      double[] edges = model.trainScoreEdges();
      double[] expected = model.trainScoreShares();
      double psi = edges == null || expected == null || n == 0 ? Double.NaN
          : Drift.psi(expected, Drift.shares(scores, "score", edges));
      m.put("psi", psi);
      m.put("drift_alarm", psi > Double.parseDouble(c.get("drift.psiAlarm", "0.2")));
    } finally {
      scores.unpersist();
    }
    m.put("dataset", c.get("dataset"));
    m.put("protocol", c.get("protocol", "custom"));
    m.put("detector", detector);
    m.put("model_version", version);
    m.put("run_date", runDate);
    if (summary != null) {
      m.putAll(summary.metrics());
    } else {
      for (String k : List.of("roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1", "f2")) {
        m.put(k, Double.NaN);
      }
      m.put("threshold", threshold);
      m.put("n_test", n);
      m.put("n_test_anomalies", null);
    }
    m.put("threshold_strategy", model.thresholdStrategy());
    m.put("n_train", model.nTrain());
    m.put("n_flagged", flagged);
    m.put("rows_rejected", scoreInfo.rowsRejected());
    m.put("rows_other_category", scoreInfo.rowsOtherCategoryByColumn().values().stream().mapToLong(Long::longValue)
        .sum());
    m.put("share_flagged", n == 0 ? Double.NaN : (double) flagged / n);
    m.put("expected_share_flagged", model.trainShareFlagged());
    m.put("retrained", retrained);
    m.putAll(events);
    m.put("evaluated_at", Instant.now().toString());

    String title = ctx.datasetKey() + " / " + detector + " / " + runDate;
    wh.writeJson(reportDir + "/metrics.json", m);
    if (distribution != null) {
      wh.writeBytes(reportDir + "/histogram.png", Charts.histogramPng(distribution, "Scores (no labels): " + title));
    }
    if (summary != null) {
      wh.writeBytes(reportDir + "/histogram.png", Charts.histogramPng(summary, "Scores by class: " + title));
      wh.writeBytes(reportDir + "/roc_pr.png", Charts.curvesPng(summary, "ROC and PR: " + title));
      // the curve's points for the run report's chart of every detector: [fpr, tpr, precision, recall]
      List<double[]> points = new ArrayList<>();
      for (io.vigil.eval.ScoreCurve.Point p : summary.curve()) {
        points.add(new double[] {p.fpr(), p.tpr(), p.precision(), p.recall()});
      }
      wh.writeJson(reportDir + "/curve.json", Map.of("points", points));
    }
    upsertMetricsRow(ctx, m);
    return m;
  }

  /**
   * Labelled events (eval.eventCol names each row's event, e.g. NAB's window_id; null outside): how many
   * there are among the rows, and how many have at least one row flagged at the threshold.
   */
  private static Map<String, Object> events(Dataset<Row> rows, String eventCol, double threshold) {
    if (!java.util.Arrays.asList(rows.columns()).contains(eventCol)) {
      throw new IllegalArgumentException("eval.eventCol = " + eventCol + " is not a column of the scored rows.");
    }
    Row r = rows.where(col(eventCol).isNotNull()).groupBy(col(eventCol))
        .agg(org.apache.spark.sql.functions.max(col("score")).as("top"))
        .agg(org.apache.spark.sql.functions.count(lit(1)),
            org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(col("top").geq(threshold), 1)
                .otherwise(0)))
        .first();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", r.getLong(0));
    out.put("events_flagged", r.isNullAt(1) ? 0L : r.getLong(1));
    return out;
  }

  /** The metric row of (run_date, dataset, protocol, detector): its own partition, replaced in one commit. */
  private static void upsertMetricsRow(JobContext ctx, Map<String, Object> m) {
    Object[] values = new Object[METRICS_SCHEMA.size()];
    for (int i = 0; i < values.length; i++) {
      String name = METRICS_SCHEMA.fields()[i].name();
      Object v = m.get(name);
      DataType t = METRICS_SCHEMA.fields()[i].dataType();
      if (v instanceof Number num) {
        v = t.equals(DataTypes.LongType) ? (Object) num.longValue() : (Object) num.doubleValue();
      }
      if (v instanceof Double d && d.isNaN()) {
        v = null; // SQL users filter on NULL, not NaN
      }
      values[i] = v;
    }
    Tables.replacePartitions(ctx.spark().createDataFrame(List.of(RowFactory.create(values)), METRICS_SCHEMA)
            .coalesce(1), ctx.warehouse().metricsTable(), List.of("run_date", "dataset", "protocol", "detector"),
        "Vigil run metrics: one row per (run_date, dataset, protocol, detector)", COLUMN_COMMENTS);
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
