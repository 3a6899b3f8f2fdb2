package io.vigil.jobs;

import static org.apache.spark.sql.functions.col;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.eval.Drift;
import io.vigil.data.InputCheck;
import io.vigil.detectors.Detectors;
import io.vigil.ensemble.EnsembleModel;
import io.vigil.eval.ScoreCurve;
import io.vigil.threshold.Thresholds;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * train: fit feature preparation + detector on the training rows, choose the threshold (from the
 * training scores, or on the labelled validation rows for maxF1/maxAccuracy), save the
 * {@code PipelineModel} under a new version with {@code model-info.json}, and point {@code current} at it.
 */
public final class TrainJob {

  private static final DateTimeFormatter VERSION =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  /** What a training run produced. */
  public record Result(String detector, String version, String modelPath, Map<String, Object> info) {}

  /** {@code ensemble.tuneWeights = true}: choose the ensemble's weights on the validation rows. */
  static final String TUNE_WEIGHTS = "tuneWeights";

  /**
   * {@code ensemble.tuneHoldOut = f} (0 &lt; f &lt; 1, with tuneWeights): choose the weights on a copy of the
   * ensemble fit on the other 1 - f of the training rows, scoring the held-out f as the normal side and
   * the validation rows labelled 1 as the anomalies; the model kept is fit on all training rows with
   * those weights. For validation sets whose normal rows are training rows (ADBench has no validation
   * split): members' in-sample scores flatter the ones that fit their training rows closest.
   */
  static final String TUNE_HOLD_OUT = "tuneHoldOut";

  /** The seed of the tuneHoldOut split. */
  static final long HOLD_OUT_SEED = 42L;

  private TrainJob() {}

  public static Result run(JobContext ctx, String detectorName) {
    JobConfig c = ctx.config();
    long start = System.nanoTime();
    ctx.describe("vigil-train-" + detectorName, "Vigil train " + detectorName + " on " + ctx.datasetKey());
    String strategy = c.get("threshold.strategy", SharedParams.CONTAMINATION);
    boolean labelled = strategy.equals(SharedParams.MAX_F1) || strategy.equals(SharedParams.MAX_ACCURACY);
    if (labelled && !c.has("val.path")) {
      throw new IllegalArgumentException("threshold.strategy = " + strategy + " needs labelled validation rows:"
          + " set val.path, or use contamination/meanStd.");
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("thresholdStrategy", strategy);
    params.put("contamination", c.get("threshold.contamination", "0.01"));
    params.put("thresholdSigmas", c.get("threshold.sigmas", "3.0"));
    params.putAll(ctx.detectorParams(detectorName));
    // An ensemble's weights may be chosen on the validation rows (a job step, not a detector param).
    boolean tuneWeights = Boolean.parseBoolean(params.getOrDefault(TUNE_WEIGHTS, "false"));
    params.remove(TUNE_WEIGHTS);
    if (tuneWeights && !c.has("val.path")) {
      throw new IllegalArgumentException(detectorName + "." + TUNE_WEIGHTS + " = true needs labelled validation"
          + " rows: set val.path.");
    }
    double holdOut = Double.parseDouble(params.getOrDefault(TUNE_HOLD_OUT, "0"));
    params.remove(TUNE_HOLD_OUT);
    if (!(holdOut >= 0 && holdOut < 1) || (holdOut > 0 && !tuneWeights)) {
      throw new IllegalArgumentException(detectorName + "." + TUNE_HOLD_OUT + " = " + holdOut + ": a fraction in"
          + " [0, 1) of the training rows, used with " + detectorName + "." + TUNE_WEIGHTS + " = true.");
    }
    AnomalyDetector<?> detector = Detectors.create(detectorName, params, ctx::detectorParams);

    InputCheck.Result train = ctx.readChecked("train.path");
    if (train.rows() - train.rejected() == 0) {
      throw new IllegalArgumentException(String.format("Input train.path = %s is empty: 0 rows to train on (%d read,"
          + " %d rejected).", c.get("train.path"), train.rows(), train.rejected()));
    }
    List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(detectorName).stages());
    stages.add(detector);
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train.valid());
    AnomalyModel<?> detectorModel = Thresholds.detectorOf(model);

    Map<String, Object> info = new LinkedHashMap<>();
    boolean rethreshold = false;
    if (c.has("val.path")) {
      InputCheck.Result val = ctx.readChecked("val.path");
      if (tuneWeights && detectorModel instanceof EnsembleModel ensemble) {
        if (holdOut > 0) {
          ensemble.setCombination(io.vigil.ensemble.EnsembleParams.MEAN)
              .setWeights(weightsOnHeldOutRows(stages, train.valid(), val.valid(), holdOut, ctx.labelCol(), info));
        } else {
          ensemble.tuneWeights(stagesBefore(model).transform(val.valid()), ctx.labelCol());
        }
        info.put("ensemble_weights", ensemble.getWeights());
        // fit's training-score threshold was of the equal-weight mean: chosen again below, from the
        // training scores the drift baseline computes anyway
        rethreshold = !labelled;
      }
      Dataset<Row> scored = detectorModel.scoreOnly(stagesBefore(model).transform(val.valid()));
      if (c.has("val.rows")) { // the rows that count, chosen after scoring the whole input (as test.rows)
        scored = scored.where(org.apache.spark.sql.functions.expr(c.get("val.rows")));
      }
      scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        ScoreCurve curve = ScoreCurve.compute(scored, detectorModel.getScoreCol(), ctx.labelCol(), 2);
        if (labelled) {
          Thresholds.apply(detectorModel, curve, strategy);
        }
        info.put("validation_roc_auc", curve.rocAuc);
        info.put("validation_pr_auc", curve.averagePrecision);
        info.put("validation_best_f1", curve.bestF1);
        info.put("n_val", c.has("val.rows") ? scored.count() : val.rows() - val.rejected());
      } finally {
        scored.unpersist();
      }
    }
    // The training-score distribution: the baseline of the drift figures (PSI) of later runs.
    Dataset<Row> trainScores = detectorModel.scoreOnly(stagesBefore(model).transform(train.valid()))
        .select(detectorModel.getScoreCol()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      if (rethreshold) {
        detectorModel.setThreshold(Thresholds.fromTrainingScores(trainScores, detectorModel.getScoreCol(), strategy,
            detectorModel.getContamination(), detectorModel.getThresholdSigmas()), strategy);
      }
      double[] edges = Drift.edges(trainScores, detectorModel.getScoreCol());
      info.put("train_score_edges", edges);
      info.put("train_score_shares", Drift.shares(trainScores, detectorModel.getScoreCol(), edges));
      long above = trainScores.where(col(detectorModel.getScoreCol()).geq(detectorModel.getThreshold())).count();
      info.put("train_share_flagged", (double) above / detectorModel.getNumTrainingRows());
    } finally {
      trainScores.unpersist();
    }
    String version = VERSION.format(Instant.now());
    String path = ctx.warehouse().modelDir(ctx.datasetKey(), detectorName, version);
    try {
      model.write().save(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot save the model to " + path, e);
    }

    info.put("detector", detectorName);
    info.put("version", version);
    info.put("dataset", c.get("dataset"));
    info.put("protocol", c.get("protocol", "custom"));
    info.put("config", c.source());
    info.put("trained_at", Instant.now().toString());
    info.put("n_train", detectorModel.getNumTrainingRows());
    info.put("rows_rejected_train", train.rejected());
    info.put("rows_quarantined_train", Quarantine.write(ctx, "train.path", "train",
        java.time.LocalDate.now(ZoneOffset.UTC).toString(), train));
    info.put("threshold", detectorModel.getThreshold());
    info.put("threshold_strategy", detectorModel.getThresholdStrategy());
    info.put("num_features", detectorModel.getNumFeatures());
    info.put("features_numeric", c.getList("features.numeric"));
    info.put("features_categorical", c.getList("features.categorical"));
    info.put("train_path", c.get("train.path"));
    info.put("params", paramsOf(detectorModel));
    info.put("model_sha256", ctx.warehouse().treeSha256(path));
    info.put("train_seconds", (System.nanoTime() - start) / 1e9);
    ctx.warehouse().writeJson(path + "/model-info.json", info);
    // The pointer moves last: a run that dies before this line leaves the previous current model.
    ctx.warehouse().setCurrentVersion(ctx.datasetKey(), detectorName, version);
    ctx.warehouse().pruneVersions(ctx.datasetKey(), detectorName, Integer.parseInt(c.get("registry.keep", "5")));
    return new Result(detectorName, version, path, info);
  }

  /** See {@link #TUNE_HOLD_OUT}; records the rows it tuned on and their ROC AUC in {@code info}. */
  private static double[] weightsOnHeldOutRows(List<PipelineStage> stages, Dataset<Row> train, Dataset<Row> val,
      double holdOut, String labelCol, Map<String, Object> info) {
    Dataset<Row>[] parts = train.randomSplit(new double[] {1 - holdOut, holdOut}, HOLD_OUT_SEED);
    PipelineModel tuning = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(parts[0]);
    EnsembleModel ensemble = (EnsembleModel) Thresholds.detectorOf(tuning);
    String features = ensemble.getFeaturesCol();
    Dataset<Row> normals = stagesBefore(tuning).transform(parts[1]).select(col(features))
        .withColumn(labelCol, org.apache.spark.sql.functions.lit(0.0));
    Dataset<Row> anomalies = stagesBefore(tuning).transform(val.where(col(labelCol).equalTo(1)))
        .select(col(features), col(labelCol).cast("double").as(labelCol));
    Dataset<Row> rows = normals.unionByName(anomalies).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long anomalyRows = rows.where(col(labelCol).equalTo(1.0)).count();
      long normalRows = rows.count() - anomalyRows;
      if (normalRows == 0 || anomalyRows == 0) {
        throw new IllegalArgumentException(String.format("tuneHoldOut: %d held-out training rows and %d validation"
            + " rows labelled 1 to tune on; both must be above 0.", normalRows, anomalyRows));
      }
      info.put("ensemble_tuning_normal_rows", normalRows);
      info.put("ensemble_tuning_anomaly_rows", anomalyRows);
      EnsembleModel.WeightChoice choice = ensemble.chooseWeights(rows, labelCol);
      info.put("ensemble_tuning_roc_auc", choice.validationRocAuc());
      return choice.weights();
    } finally {
      rows.unpersist();
    }
  }

  /** The fitted feature stages alone (everything but the detector). */
  static PipelineModel stagesBefore(PipelineModel model) {
    org.apache.spark.ml.Transformer[] all = model.stages();
    org.apache.spark.ml.Transformer[] features = java.util.Arrays.copyOf(all, all.length - 1);
    return new PipelineModel(model.uid() + "-features", features);
  }

  private static Map<String, String> paramsOf(AnomalyModel<?> model) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ParamPair<?> p : model.extractParamMap().toList()) {
      out.put(p.param().name(), String.valueOf(p.value()));
    }
    return new java.util.TreeMap<>(out);
  }
}
