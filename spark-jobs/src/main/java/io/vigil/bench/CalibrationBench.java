package io.vigil.bench;

import static org.apache.spark.sql.functions.col;

import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.pipeline.AnomalyPipeline;
import io.vigil.threshold.Drift;
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
 * bench --suite calibration: do label-free thresholds hold on fresh normal rows? Each data set's normal rows are
 * split at random into rows to fit on and fresh rows, each detector is fit on the first with the calibration
 * slice off (threshold and drift baseline from the training rows' own scores) and on ({@code calibrationFraction}
 * {@value #FRACTION}), and the share of fresh rows flagged at contamination 0.01 and 0.05 is compared with the
 * target, beside the PSI of the fresh scores against the baseline. Writes calibration.{csv,json,md} (every split)
 * and calibration-table.md (the mean over splits, the range, and the noise a perfectly calibrated threshold has).
 *
 * <p>The data sets: kdd-honest at its config's settings (its training normals, 80% fit and 20% fresh), and the
 * six ADBench sets under conf/adbench-semi.conf, every detector at its defaults as a user gets them (their normal
 * rows, 70% fit and 30% fresh: the adbench protocol's shares). On a small set one split says little: cardio's 496
 * fresh rows hold 5 rows at 1%, so the ratio of a perfectly calibrated threshold has a spread of about 0.5 there.
 * Sets with fewer than {@value #REPEAT_BELOW_FRESH_ROWS} fresh rows are therefore split {@code calibration.repeats}
 * times (seeds 42, 43, ...) and judged on the mean ratio; larger ones once (seed 42).
 */
public final class CalibrationBench {

  static final double FRACTION = 0.2;
  static final double[] TARGETS = {0.01, 0.05};
  static final double[] BAR = {0.7, 1.5};
  static final int REPEAT_BELOW_FRESH_ROWS = 10_000;
  static final List<String> SETS = List.of("kdd-honest", "cardio", "mammography", "pendigits", "satellite",
      "shuttle", "thyroid");
  static final List<String> DETECTORS = List.of("pca", "ocsvm", "iforest", "ae", "vae", "knn", "ecod", "ensemble");

  private CalibrationBench() {}

  public static List<Map<String, Object>> run(SparkSession spark, String confDir, String output,
      Map<String, String> sets, String detectorSpec, String runDate, String resultsDir) {
    List<String> detectors = detectorSpec != null ? Detectors.parseList(detectorSpec) : DETECTORS;
    List<String> names = sets.containsKey("calibration.sets")
        ? List.of(sets.get("calibration.sets").split(",")) : SETS;
    int repeats = Integer.parseInt(sets.getOrDefault("calibration.repeats", "5"));
    String adbenchSemi = Path.of(confDir, "adbench-semi.conf").toString();
    JobConfig adbenchBase = JobConfig.load(adbenchSemi, output, sets); // where the ADBench files are
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String raw : names) {
      String name = raw.trim();
      Map<String, String> s = new LinkedHashMap<>(sets);
      s.remove("calibration.sets");
      s.remove("calibration.repeats");
      s.putIfAbsent("run_date", runDate);
      boolean kdd = name.startsWith("kdd");
      if (!kdd) {
        s.put("prepare.source", AdbenchSemiSuite.setFile(adbenchBase, name).toString());
      }
      JobContext ctx = JobContext.of(spark, JobConfig.load(kdd ? Path.of(confDir, name + ".conf").toString()
          : adbenchSemi, output, s));
      BenchResults.prepare(ctx);
      // The normal rows: kdd-honest's training rows are all normal; an ADBench set's are its label-0 rows.
      Dataset<Row> normals = kdd ? ctx.readChecked("train").valid()
          : ctx.readChecked("train").valid().unionByName(ctx.readChecked("test").valid())
              .where(col(ctx.labelCol()).equalTo(0));
      normals = normals.persist(StorageLevel.MEMORY_AND_DISK());
      double fitShare = kdd ? 0.8 : 0.7;
      long freshExpected = Math.round(normals.count() * (1 - fitShare));
      int splits = freshExpected < REPEAT_BELOW_FRESH_ROWS ? repeats : 1;
      for (int split = 0; split < splits; split++) {
        long seed = 42L + split;
        Dataset<Row>[] parts = normals.randomSplit(new double[] {fitShare, 1 - fitShare}, seed);
        Dataset<Row> fitInput = parts[0].persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> fresh = parts[1].persist(StorageLevel.MEMORY_AND_DISK());
        for (String detector : detectors) {
          for (double fraction : new double[] {0.0, FRACTION}) {
            for (Map<String, Object> r : measure(ctx, detector, fitInput, fresh, fraction)) {
              Map<String, Object> named = new LinkedHashMap<>();
              named.put("dataset", name);
              named.put("split_seed", seed);
              named.putAll(r);
              rows.add(named);
            }
          }
        }
        fitInput.unpersist();
        fresh.unpersist();
      }
      normals.unpersist();
      BenchResults.write(rows, resultsDir, "calibration"); // after every data set: a long run keeps its rows
      writeTable(rows, resultsDir);
    }
    return rows;
  }

  private static List<Map<String, Object>> measure(JobContext ctx, String detector, Dataset<Row> fitInput,
      Dataset<Row> fresh, double fraction) {
    Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(detector));
    params.put("thresholdStrategy", SharedParams.CONTAMINATION);
    params.keySet().removeIf(k -> k.equals("tuneWeights") || k.equals("tuneHoldOut"));
    long start = System.nanoTime();
    AnomalyPipeline pipeline = new AnomalyPipeline().setFeatureStages(ctx.featurePipeline(detector).stages())
        .setDetector(Detectors.create(detector, params, ctx::detectorParams)).setCalibrationFraction(fraction);
    PipelineModel model = pipeline.fit(fitInput);
    AnomalyModel<?> scorer = AnomalyPipeline.detectorOf(model);
    PipelineModel features = AnomalyPipeline.featuresOf(model);
    String score = scorer.getScoreCol();
    // The baseline as the pipeline takes it: the fit rows' own scores (knn leaves each row out of its own), or
    // the calibration slice's (the pipeline's own split).
    Dataset<Row> baseline = (fraction == 0 ? scorer.scoreTrainingRows(features.transform(fitInput))
        : scorer.scoreOnly(features.transform(fitInput.randomSplit(new double[] {1 - fraction, fraction},
            (Long) pipeline.getOrDefault(pipeline.calibrationSeed()))[1])))
        .select(score).persist(StorageLevel.MEMORY_AND_DISK());
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
        r.put("detector", detector);
        r.put("calibration_fraction", fraction);
        r.put("contamination", target);
        r.put("baseline_rows", choice.rows());
        r.put("fresh_rows", n);
        r.put("baseline_share_flagged", choice.shareFlagged());
        r.put("tie_rule_applied", choice.strictlyAbove());
        r.put("fresh_share_flagged", share);
        r.put("ratio_to_target", share / target);
        r.put("calibrated_ratio_sd", calibratedRatioSd(target, choice.rows(), n));
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

  /**
   * The spread of the ratio (fresh share flagged / target) that a perfectly calibrated threshold still shows on one
   * split: the share of the score distribution above the (1 - t) quantile of {@code baselineRows} scores varies by
   * t(1 - t)/baselineRows, and the fresh count is binomial on {@code freshRows}; in ratio terms
   * sqrt((1 - t)/t * (1/baselineRows + 1/freshRows)).
   */
  static double calibratedRatioSd(double target, long baselineRows, long freshRows) {
    return Math.sqrt((1 - target) / target * (1.0 / baselineRows + 1.0 / freshRows));
  }

  /** One (data set, detector, calibration fraction, target): the ratios of every split. */
  record Cell(String dataset, String detector, double fraction, double target, List<Double> ratios,
      List<Double> psis, List<Double> noiseSds) {

    double mean() {
      return ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double min() {
      return ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
      return ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    double meanPsi() {
      return psis.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The spread a calibrated threshold's mean ratio has over these splits (as if they were independent). */
    double noiseOfMean() {
      return noiseSds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN) / Math.sqrt(ratios.size());
    }

    boolean withinBar() {
      return mean() >= BAR[0] && mean() <= BAR[1];
    }
  }

  /** The rows grouped into cells, in the order they were measured. */
  static List<Cell> cells(List<Map<String, Object>> rows) {
    Map<String, Cell> cells = new LinkedHashMap<>();
    for (Map<String, Object> r : rows) {
      double fraction = ((Number) r.get("calibration_fraction")).doubleValue();
      double target = ((Number) r.get("contamination")).doubleValue();
      Cell c = cells.computeIfAbsent(r.get("dataset") + "\t" + r.get("detector") + "\t" + fraction + "\t" + target,
          k -> new Cell((String) r.get("dataset"), (String) r.get("detector"), fraction, target, new ArrayList<>(),
              new ArrayList<>(), new ArrayList<>()));
      c.ratios().add(((Number) r.get("ratio_to_target")).doubleValue());
      c.psis().add(((Number) r.get("psi_fresh_vs_baseline")).doubleValue());
      c.noiseSds().add(((Number) r.get("calibrated_ratio_sd")).doubleValue());
    }
    return new ArrayList<>(cells.values());
  }

  /**
   * The data sets on which every detector's mean ratio, at every target, is within the bar with the calibration
   * slice at {@code fraction}.
   */
  static List<String> setsWithinBar(List<Cell> cells, double fraction) {
    Map<String, Boolean> ok = new LinkedHashMap<>();
    for (Cell c : cells) {
      if (c.fraction() == fraction) {
        ok.merge(c.dataset(), c.withinBar(), Boolean::logicalAnd);
      }
    }
    return ok.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
  }

  /** calibration-table.md: data set x detector, the mean ratio per (slice, target) with its range and noise. */
  static void writeTable(List<Map<String, Object>> rows, String resultsDir) {
    List<Cell> cells = cells(rows);
    StringBuilder md = new StringBuilder("Share of fresh normal rows flagged / target (1.00 = on target), the mean"
        + " over the splits, [min-max] over them, and ± the spread a perfectly calibrated threshold's mean would"
        + " have (binomial, see CalibrationBench.calibratedRatioSd). **Bold**: a mean outside [" + BAR[0] + ", "
        + BAR[1] + "]. Commit " + BenchResults.gitCommit() + ".\n\n"
        + "| data set | detector | splits | off, 0.01 | off, 0.05 | on, 0.01 | on, 0.05 | PSI off | PSI on |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    Map<String, Map<String, Cell>> byRow = new LinkedHashMap<>();
    for (Cell c : cells) {
      byRow.computeIfAbsent(c.dataset() + "\t" + c.detector(), k -> new LinkedHashMap<>())
          .put(c.fraction() + "/" + c.target(), c);
    }
    for (Map<String, Cell> row : byRow.values()) {
      Cell first = row.values().iterator().next();
      md.append("| ").append(first.dataset()).append(" | ").append(first.detector()).append(" | ")
          .append(first.ratios().size()).append(" |");
      for (double fraction : new double[] {0.0, FRACTION}) {
        for (double target : TARGETS) {
          Cell c = row.get(fraction + "/" + target);
          md.append(c == null ? " |" : String.format(c.withinBar() ? " %.2f [%.2f-%.2f] ±%.2f |"
              : " **%.2f** [%.2f-%.2f] ±%.2f |", c.mean(), c.min(), c.max(), c.noiseOfMean()));
        }
      }
      for (double fraction : new double[] {0.0, FRACTION}) {
        Cell c = row.get(fraction + "/" + TARGETS[0]);
        md.append(c == null ? " |" : String.format(" %.3f |", c.meanPsi()));
      }
      md.append('\n');
    }
    md.append("\nData sets where every detector's mean, at both targets, is within the bar:\n\n");
    for (double fraction : new double[] {0.0, FRACTION}) {
      List<String> within = setsWithinBar(cells, fraction);
      md.append(String.format("- %s: %s (%d of %d data sets)%n", fraction == 0 ? "off" : "on (" + fraction + ")",
          within.isEmpty() ? "none" : String.join(", ", within), within.size(),
          cells.stream().map(Cell::dataset).distinct().count()));
    }
    BenchResults.writeText(resultsDir, "calibration-table.md", md);
  }
}
