package io.vigil.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.vigil.data.InputCheck;
import io.vigil.features.FeaturePipeline;
import io.vigil.features.FeatureVectorizerModel;
import io.vigil.pipeline.AnomalyPipeline;
import io.vigil.pipeline.DetectorFacts;
import io.vigil.warehouse.ScoreInfo;
import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * score: load a model version (default: current), score the input (score.path, else test.path) and
 * replace partition {@code run_date=D/detector=X} of the score table with the input columns plus
 * {@code score}, {@code prediction}, {@code top_features} (the names of the features that contribute most
 * to the score when the detector's explainTopK is set, else null: every partition has the same
 * columns), {@code detector} and {@code model_version}. A rerun of the same date
 * replaces the partition in one Iceberg commit ({@link Tables}), never appends to it; a run that dies
 * before the commit leaves the previous rows.
 */
public final class ScoreJob {

  public static final List<String> ADDED_COLUMNS = List.of("score", "prediction", "top_features", "detector",
      "model_version", "run_date");

  /** Comments of the columns the score table adds (input columns are described as such). */
  static final Map<String, String> COLUMN_COMMENTS = Map.of(
      "score", "anomaly score; higher = more anomalous",
      "prediction", "1.0 = anomaly (score >= the model's threshold), else 0.0",
      "top_features", "names of the features contributing most to the score (when explainTopK is set), else null",
      "detector", "detector name (pca, ae, vae, ocsvm, iforest)",
      "model_version", "registry version of the model that scored the row",
      "run_date", "the run date (yyyy-MM-dd) the row was scored for");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoreJob.class);

  private ScoreJob() {}

  public static ScoreInfo run(JobContext ctx, String detector, String runDate, String version) {
    Warehouse wh = ctx.warehouse();
    String modelVersion = version != null ? version : wh.currentVersion(ctx.datasetKey(), detector);
    String modelPath = wh.modelDir(ctx.datasetKey(), detector, modelVersion);
    if (!wh.exists(modelPath)) {
      throw new IllegalArgumentException("No model version " + modelVersion + " at " + modelPath + ".");
    }
    return run(ctx, detector, runDate, modelVersion, PipelineModel.load(modelPath));
  }

  /** As {@link #run(JobContext, String, String, String)} with the model just trained ({@link TrainJob.Result}). */
  public static ScoreInfo run(JobContext ctx, TrainJob.Result trained, String runDate) {
    return run(ctx, trained.detector(), runDate, trained.version(), trained.model());
  }

  private static ScoreInfo run(JobContext ctx, String detector, String runDate, String modelVersion,
      PipelineModel model) {
    JobConfig c = ctx.config();
    Warehouse wh = ctx.warehouse();
    ctx.describe("vigil-score-" + detector, "Vigil score " + detector + " " + modelVersion + " for " + runDate);
    DetectorFacts detectorModel = DetectorFacts.of(model);
    String inputKey = Inputs.has(c, "score") ? "score" : "test";
    FeaturePipeline features = ctx.featurePipeline();
    // Under the error policy (the default) the rows are checked as they are scored: the feature vectorizer fails
    // on a null, NaN or infinite numeric feature, which aborts the write before its commit, so the input is read
    // once. Skip needs its counts (and the rejected rows) before the write, and so does a model saved with the
    // former feature chain, which lets an infinite value through.
    boolean checkWhileScoring = ctx.invalidPolicy().equals(InputCheck.ERROR)
        && FeatureVectorizerModel.failsOnNotFinite(model);
    Dataset<Row> read = checkWhileScoring ? ctx.readColumnsChecked(inputKey) : null;
    InputCheck.Result checked = checkWhileScoring ? null : ctx.readChecked(inputKey);
    if (checked != null && checked.rows() == 0) {
      requireRowsForWhere(c, inputKey, runDate);
    }
    Dataset<Row> toScore = checkWhileScoring ? read : checked.valid();
    List<String> inputCols = Arrays.asList(toScore.columns());
    for (String reserved : ADDED_COLUMNS) {
      if (inputCols.contains(reserved)) {
        throw new IllegalArgumentException(String.format("Input %s already has a column '%s', which the score"
            + " table adds; rename it.", Inputs.describe(c, inputKey), reserved));
      }
    }
    List<Column> out = new ArrayList<>();
    inputCols.forEach(name -> out.add(col("`" + name + "`")));
    out.add(col(detectorModel.scoreCol()).as("score"));
    out.add(col(detectorModel.predictionCol()).as("prediction"));
    out.add(detectorModel.topFeaturesCol() != null
        ? col(detectorModel.topFeaturesCol()).cast("array<string>").as("top_features")
        : lit(null).cast("array<string>").as("top_features"));
    Dataset<Row> history = detectorModel.historyRows() > 0 ? history(ctx, runDate) : null;
    Dataset<Row> scored = AnomalyPipeline.scoreRows(model, toScore, history)
        .select(out.toArray(new Column[0]))
        .withColumn("detector", lit(detector))
        .withColumn("model_version", lit(modelVersion))
        .withColumn("run_date", lit(runDate));
    // The rows written, and those the category caps sent to the shared 'other' slot, counted as they are written.
    Map<String, Column> otherConditions = FeatureVectorizerModel.otherConditions(model);
    Observation written = new Observation("vigil-score-written");
    List<Column> counts = new ArrayList<>();
    otherConditions.forEach((column, other) -> counts.add(sum(when(other, 1L).otherwise(0L)).as("other_" + column)));
    scored = scored.observe(written, count(lit(1)).as("rows"), counts.toArray(new Column[0]));
    String table = wh.table(c.get("scores.table"));
    boolean tableExisted = Tables.exists(ctx.spark(), table);
    try {
      Tables.replacePartitions(scored, table, List.of("run_date", "detector"),
          "Vigil anomaly scores: the input rows, one partition per (run_date, detector)", COLUMN_COMMENTS);
    } catch (Exception e) { // Spark's SparkException is checked in Java's eyes; rethrown as it came otherwise
      IllegalArgumentException invalid = checkWhileScoring ? InputCheck.explainFailure(e, read,
          features.numericCols(), features.categoricalCols(), ctx.describeInput(inputKey)) : null;
      if (invalid != null) {
        throw invalid;
      }
      throw e;
    }
    Map<String, Object> observed = observed(written);
    long rows = (Long) observed.get("rows");
    Map<String, Long> otherCounts = new java.util.LinkedHashMap<>();
    otherConditions.keySet().forEach(column -> otherCounts.put(column,
        observed.get("other_" + column) instanceof Long n ? n : 0L)); // a sum over no rows is null
    if (rows == 0) {
      // An overwrite replaces only partitions that receive rows: this one received none, so clear it.
      if (checkWhileScoring && !c.get(inputKey + ".where", "").isBlank()) {
        if (!tableExisted) {
          Tables.drop(ctx.spark(), table);
        }
        requireRowsForWhere(c, inputKey, runDate);
      }
      Tables.deleteWhere(ctx.spark(), table, Map.of("run_date", runDate, "detector", detector));
    }
    InputCheck.Result input = checked != null ? checked : InputCheck.Result.allValid(read, rows);
    long quarantined = ctx.quarantine(inputKey, "score", runDate, input);
    ScoreInfo info = new ScoreInfo(ScoreInfo.FORMAT_VERSION, detector, modelVersion, runDate,
        Inputs.describe(c, inputKey), input.rows(), input.rejected(), input.invalidByColumn(), rows, quarantined,
        rows == 0 ? Map.of() : otherCounts, table, history == null ? 0 : detectorModel.historyRows());
    info.write(wh, wh.reportDir(runDate, ctx.datasetKey(), detector));
    return info;
  }

  /** The metrics of an observation whose action has run (the write): they are there, no waiting. */
  private static Map<String, Object> observed(Observation observation) {
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the score job's row counts.", e);
    }
  }

  /** A filtered table with nothing for the date is a missing load, not an empty night: say so, write nothing. */
  private static void requireRowsForWhere(JobConfig c, String inputKey, String runDate) {
    if (!c.get(inputKey + ".where", "").isBlank()) {
      throw new IllegalArgumentException(String.format("%s.where matched no rows of %s; is the data for %s loaded?"
          + " Nothing was written.", inputKey, Inputs.describe(c, inputKey), runDate));
    }
  }

  /**
   * The rows before the date for a windowed detector ({@code history.path} or {@code history.table}, e.g.
   * the previous date's input, {@code ${output}/landing/${run_date - 1d}}), checked by the input policy; null
   * when the config names none, or when the path does not exist yet (the first night), which is logged.
   */
  static Dataset<Row> history(JobContext ctx, String runDate) {
    JobConfig c = ctx.config();
    if (!Inputs.has(c, "history")) {
      return null;
    }
    String key = Inputs.key(c, "history");
    if (key.endsWith(".path") && !ctx.warehouse().existsOrMatches(c.get(key))) {
      LOG.warn("No history for {}: {} = {} does not exist (the first night?); the first windows start at the"
          + " date's first rows.", runDate, key, c.get(key));
      return null;
    }
    return ctx.readChecked("history").valid();
  }
}
