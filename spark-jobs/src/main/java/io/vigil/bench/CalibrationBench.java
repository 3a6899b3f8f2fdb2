package io.vigil.bench;

import static org.apache.spark.sql.functions.col;

import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import io.vigil.threshold.Drift;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.pipeline.AnomalyPipeline;
import io.vigil.threshold.Thresholds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * bench --suite calibration: do label-free thresholds hold on fresh normal rows? For kdd-honest (its training
 * normals split 80/20, seed 42: fit on the 80%, the 20% are fresh) and the six ADBench sets (fit on the
 * training normals, the test split's normal rows are fresh), each detector at its config's settings, with the
 * calibration slice off (threshold and drift baseline from the training rows' own scores) and on
 * ({@code calibrationFraction} {@value #FRACTION}): the share of fresh normal rows flagged at contamination 0.01
 * and 0.05 (ratio to the target) and the PSI of their scores against the baseline. Writes calibration.{csv,json,md}.
 */
public final class CalibrationBench {

  static final double FRACTION = 0.2;
  static final double[] TARGETS = {0.01, 0.05};
  static final List<String> CONFIGS = List.of("kdd-honest", "adbench-cardio", "adbench-mammography",
      "adbench-pendigits", "adbench-satellite", "adbench-shuttle", "adbench-thyroid");

  private CalibrationBench() {}

  public static List<Map<String, Object>> run(SparkSession spark, String confDir, String output,
      Map<String, String> sets, String detectorSpec, String runDate, String resultsDir) {
    List<String> detectors = detectorSpec != null ? Detectors.parseList(detectorSpec)
        : List.of("pca", "ocsvm", "iforest", "ae", "vae");
    List<String> configs = sets.containsKey("calibration.configs")
        ? List.of(sets.get("calibration.configs").split(",")) : CONFIGS;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : configs) {
      Map<String, String> s = new LinkedHashMap<>(sets);
      s.putIfAbsent("run_date", runDate);
      JobContext ctx = JobContext.of(spark, JobConfig.load(Path.of(confDir, name.trim() + ".conf").toString(),
          output, s));
      BenchResults.prepare(ctx);
      Dataset<Row> train = ctx.readChecked("train").valid();
      Dataset<Row> fitInput;
      Dataset<Row> fresh;
      if (name.startsWith("kdd")) {
        Dataset<Row>[] parts = train.randomSplit(new double[] {0.8, 0.2}, 42L);
        fitInput = parts[0];
        fresh = parts[1];
      } else {
        fitInput = train;
        fresh = ctx.readChecked("test").valid().where(col(ctx.labelCol()).equalTo(0));
      }
      fitInput = fitInput.persist(StorageLevel.MEMORY_AND_DISK());
      fresh = fresh.persist(StorageLevel.MEMORY_AND_DISK());
      for (String detector : detectors) {
        for (double fraction : new double[] {0.0, FRACTION}) {
          rows.addAll(measure(ctx, detector, fitInput, fresh, fraction));
        }
      }
      fitInput.unpersist();
      fresh.unpersist();
      BenchResults.write(rows, resultsDir, "calibration"); // after every data set: a long run keeps its rows
    }
    return rows;
  }

  private static List<Map<String, Object>> measure(JobContext ctx, String detector, Dataset<Row> fitInput,
      Dataset<Row> fresh, double fraction) {
    Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(detector));
    params.put("thresholdStrategy", SharedParams.CONTAMINATION);
    params.keySet().removeIf(k -> k.equals("tuneWeights") || k.equals("tuneHoldOut"));
    long start = System.nanoTime();
    PipelineModel model = new AnomalyPipeline().setFeatureStages(ctx.featurePipeline(detector).stages())
        .setDetector(Detectors.create(detector, params, ctx::detectorParams)).setCalibrationFraction(fraction)
        .fit(fitInput);
    // The rows the baseline came from: the fit rows, or the calibration slice (the pipeline's own split).
    Dataset<Row> baselineRows = fraction == 0 ? fitInput
        : fitInput.randomSplit(new double[] {1 - fraction, fraction}, 42L)[1];
    AnomalyModel<?> scorer = AnomalyPipeline.detectorOf(model);
    PipelineModel features = AnomalyPipeline.featuresOf(model);
    String score = scorer.getScoreCol();
    Dataset<Row> baseline = scorer.scoreOnly(features.transform(baselineRows)).select(score)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> freshScores = scorer.scoreOnly(features.transform(fresh)).select(score)
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      long n = freshScores.count();
      double[] edges = Drift.edges(baseline, score);
      double psi = Drift.psi(Drift.shares(baseline, score, edges), Drift.shares(freshScores, score, edges));
      for (double target : TARGETS) {
        Thresholds.Choice choice = Thresholds.choose(baseline, score, SharedParams.CONTAMINATION, target, 3.0);
        double share = (double) freshScores.where(col(score).geq(choice.threshold())).count() / n;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dataset", ctx.datasetKey());
        r.put("detector", detector);
        r.put("calibration_fraction", fraction);
        r.put("contamination", target);
        r.put("baseline_rows", choice.rows());
        r.put("fresh_rows", n);
        r.put("baseline_share_flagged", choice.shareFlagged());
        r.put("tie_rule_applied", choice.strictlyAbove());
        r.put("fresh_share_flagged", share);
        r.put("ratio_to_target", share / target);
        r.put("psi_fresh_vs_baseline", psi);
        r.put("seconds", (System.nanoTime() - start) / 1e9);
        r.put("measured_at", java.time.Instant.now().toString());
        r.put("git_commit", BenchResults.gitCommit());
        out.add(r);
      }
    } finally {
      baseline.unpersist();
      freshScores.unpersist();
    }
    return out;
  }
}
