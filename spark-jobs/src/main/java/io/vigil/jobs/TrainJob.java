package io.vigil.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.core.SharedParams;
import io.vigil.data.InputCheck;
import io.vigil.detectors.Detectors;
import io.vigil.pipeline.AnomalyPipeline;
import io.vigil.pipeline.DetectorFacts;
import io.vigil.warehouse.ModelInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;

/**
 * train: map the config to an {@link AnomalyPipeline} (feature stages + detector + the held-out choices),
 * fit it on the training rows (and the labelled validation rows, when {@code val.path} is set), save the
 * {@code PipelineModel} under a new version with {@code model-info.json} ({@link ModelInfo}), and point
 * {@code current} at it.
 */
public final class TrainJob {

  private static final DateTimeFormatter VERSION =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainJob.class);

  /**
   * What a training run produced. {@code model} is the fitted pipeline as saved, for scoring right after training
   * without reading it back (a pipeline's load is about twenty small Spark jobs; the persistence tests assert the
   * loaded model scores exactly as this one).
   */
  public record Result(String detector, String version, String modelPath, ModelInfo info, PipelineModel model) {}

  /**
   * Pipeline settings a detector's config section may hold besides its params: {@code ensemble.tuneWeights}
   * and {@code ensemble.tuneHoldOut} (AnomalyPipeline's tuneEnsembleWeights and tuneHoldOut).
   */
  static final Map<String, String> PIPELINE_KEYS = Map.of("tuneWeights", "tuneEnsembleWeights",
      "tuneHoldOut", "tuneHoldOut");

  private TrainJob() {}

  public static Result run(JobContext ctx, String detectorName) {
    JobConfig c = ctx.config();
    long start = System.nanoTime();
    ctx.describe("vigil-train-" + detectorName, "Vigil train " + detectorName + " on " + ctx.datasetKey());
    Map<String, String> params = new LinkedHashMap<>();
    params.put("thresholdStrategy", c.get("threshold.strategy", SharedParams.CONTAMINATION));
    params.put("contamination", c.get("threshold.contamination", "0.01"));
    params.put("thresholdSigmas", c.get("threshold.sigmas", "3.0"));
    params.putAll(ctx.detectorParams(detectorName));
    AnomalyPipeline pipeline = new AnomalyPipeline().setLabelCol(ctx.labelCol())
        .setValidationFilter(c.get("val.rows", "")).setCalibrationFraction(c.getDouble("calibration.fraction",
            AnomalyPipeline.DEFAULT_CALIBRATION_FRACTION));
    PIPELINE_KEYS.forEach((key, param) -> {
      String value = params.remove(key);
      if (value != null) {
        pipeline.set(pipeline.getParam(param), param.equals("tuneHoldOut") ? (Object) Double.parseDouble(value)
            : (Object) Boolean.parseBoolean(value));
      }
    });
    pipeline.setFeatureStages(ctx.featurePipeline(detectorName).stages())
        .setDetector(Detectors.create(detectorName, params, ctx::detectorParams));

    InputCheck.Result train = ctx.readChecked("train");
    if (c.getList("features.numeric").equals(java.util.List.of("*"))) {
      LOG.info("features.numeric = * chose {} (recorded in model-info.json)", ctx.numericFeatures());
    }
    if (train.rows() - train.rejected() == 0) {
      throw new IllegalArgumentException(String.format("Input %s is empty: 0 rows to train on (%d read, %d rejected).",
          Inputs.describe(c, "train"), train.rows(), train.rejected()));
    }
    PipelineModel model;
    try {
      model = pipeline.fit(train.valid(), Inputs.has(c, "val") ? ctx.readChecked("val").valid() : null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(detectorName + ": " + e.getMessage() + " (config keys: val.path,"
          + " threshold.strategy, " + detectorName + ".tuneWeights, " + detectorName + ".tuneHoldOut)", e);
    }
    String version = VERSION.format(Instant.now());
    String path = ctx.warehouse().modelDir(ctx.datasetKey(), detectorName, version);
    try {
      model.write().save(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot save the model to " + path, e);
    }
    DetectorFacts facts = DetectorFacts.of(model);
    long quarantined = ctx.quarantine("train", "train", runDate(c), train);
    ModelInfo info = new ModelInfo(ModelInfo.FORMAT_VERSION, detectorName, version, c.get("dataset"),
        c.get("protocol", "custom"), c.source(), Instant.now().toString(), runDate(c), (System.nanoTime() - start) / 1e9,
        Inputs.describe(c, "train"), facts.numTrainingRows(), train.rejected(), quarantined, facts.numFeatures(),
        ctx.numericFeatures(), c.getList("features.categorical"), facts.threshold(),
        facts.thresholdStrategy(), facts.validationRocAuc(), facts.validationPrAuc(), facts.validationBestF1(),
        facts.numValidationRows(), facts.trainScoreEdges(), facts.trainScoreShares(), facts.trainShareFlagged(),
        jsonValues(facts.params()), ctx.warehouse().treeSha256(path));
    info.write(ctx.warehouse(), path);
    // The pointer moves last: a run that dies before this line leaves the previous current model.
    ctx.warehouse().setCurrentVersion(ctx.datasetKey(), detectorName, version);
    ctx.warehouse().pruneVersions(ctx.datasetKey(), detectorName, Integer.parseInt(c.get("registry.keep", "5")));
    return new Result(detectorName, version, path, info, model);
  }

  /** The run date the model is trained for: --date (run_date), else today (UTC). */
  static String runDate(JobConfig c) {
    return c.get("run_date", java.time.LocalDate.now(ZoneOffset.UTC).toString());
  }

  /** Each param's Param.jsonEncode text as a JSON value (arrays stay arrays). */
  private static Map<String, JsonNode> jsonValues(Map<String, String> encoded) {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    encoded.forEach((name, json) -> {
      try {
        out.put(name, JSON.readTree(json));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("Param " + name + " encodes as invalid JSON: " + json, e);
      }
    });
    return out;
  }
}
