package io.vigil.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;

import io.vigil.datasets.NabData;
import io.vigil.detectors.Detectors;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.eval.NabScore;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.jobs.Inputs;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.PrepareJob;
import io.vigil.jobs.RunJob;
import io.vigil.pca.PcaDetector;
import io.vigil.sequence.SequenceDetector;
import io.vigil.threshold.LikelihoodAlarm;
import io.vigil.warehouse.Tables;
import io.vigil.windowed.WindowedDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * bench --suite nab, protocol nab-causal (conf/nab.conf): per series, the sequence detector through the jobs,
 * PCA and Isolation Forest at their defaults on the same windows (the windowed detector, through the jobs too:
 * fit on the windows of the training rows only), and NAB's own published detectors (numenta HTM and
 * ARTime, their per-row outputs and NAB's thresholds in ../shared/data/nab/results) rescored by {@link NabScore}:
 * one table of NAB raw and normalised scores per profile, with ROC AUC and the windows flagged for Vigil's.
 * No model is trained on, and no threshold chosen on, a row at or after the probationary period.
 */
public final class NabSuite {

  /** NAB's published detectors rescored beside Vigil's. */
  static final List<String> PUBLISHED = List.of("numenta", "ARTime");

  private NabSuite() {}

  public static List<Map<String, Object>> run(SparkSession spark, String conf, String output,
      Map<String, String> overrides, List<String> series, String runDate, String resultsDir) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String s : series) {
      Map<String, String> sets = new LinkedHashMap<>(overrides);
      sets.put("nab.series", s);
      JobContext ctx = JobContext.of(spark, JobConfig.load(conf, output, sets));
      if (!PrepareJob.isPrepared(ctx)) {
        PrepareJob.run(ctx);
      }
      Dataset<Row> whole = Inputs.read(ctx.spark(), ctx.config(), ctx.warehouse(), "test.path");
      long n = whole.count();
      int probation = Integer.parseInt(ctx.config().get("nab.probation"));
      if (probation != NabScore.probationaryRows((int) n)) {
        throw new IllegalArgumentException(String.format("nab.probation = %d, but NAB's probationary period of %s"
            + " (%d rows) is %d rows; set nab.probation to it.", probation, s, n, NabScore.probationaryRows((int) n)));
      }
      String windowsJson = readText(ctx.config().get("prepare.source") + "/" + NabData.WINDOWS_FILE);
      List<NabScore.Window> windows = NabScore.windows(windowsJson, "realKnownCause/" + s + ".csv");
      LocalDateTime[] times = whole.orderBy("row_index").select(date_format(col("timestamp"), "yyyy-MM-dd HH:mm:ss"))
          .collectAsList().stream().map(r -> NabScore.time(r.getString(0))).toArray(LocalDateTime[]::new);

      long start = System.nanoTime();
      Map<String, Object> m = RunJob.run(ctx, List.of(SequenceDetector.NAME), runDate, false).get(0);
      Dataset<Row> seqScores = Tables.read(ctx.spark(), ctx.warehouse().table(ctx.config().get("scores.table")))
          .where(col("run_date").equalTo(lit(runDate)).and(col("detector").equalTo(lit(SequenceDetector.NAME))));
      Map<String, Object> seq = vigilRow(s, SequenceDetector.NAME, seqScores, (Double) m.get("threshold"), times,
          windows, probation);
      seq.put("n_train", m.get("n_train"));
      seq.put("run_seconds", (System.nanoTime() - start) / 1e9);
      rows.add(seq);
      rows.add(alarmRow(ctx, seq, seqScores, times, windows));
      for (String detector : ctx.config().has("nab.windowDetectors") ? ctx.config().getList("nab.windowDetectors")
          : List.of(PcaDetector.NAME, IsolationForestDetector.NAME)) {
        Map<String, String> withDetector = new LinkedHashMap<>(sets);
        withDetector.put("windowed.detector", detector);
        rows.addAll(onWindows(JobContext.of(spark, JobConfig.load(conf, output, withDetector)), runDate, probation,
            times, windows));
      }
      for (String published : PUBLISHED) {
        rows.add(publishedRow(ctx.config().get("prepare.source"), published, s, windowsJson));
      }
    }
    if (resultsDir != null) {
      BenchResults.write(rows, resultsDir, "nab");
    }
    return rows;
  }

  /**
   * A Vigil detector's row: ROC AUC on the scored rows (row_index >= probation), the windows with a flagged row,
   * and the NAB scores of its scores (in row order) at its threshold under every profile.
   */
  static Map<String, Object> vigilRow(String series, String detector, Dataset<Row> scored, double threshold,
      LocalDateTime[] times, List<NabScore.Window> windows, int probation) {
    List<Row> ordered = scored.select("row_index", "score", "label").orderBy("row_index").collectAsList();
    if (ordered.size() != times.length) {
      throw new IllegalStateException(String.format("%s on %s: %d scored rows for a series of %d.", detector, series,
          ordered.size(), times.length));
    }
    double[] scores = ordered.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    return nabRow(series, detector, new AnomalyEvaluator().evaluate(scored.where(col("row_index").geq(probation))),
        threshold, times, scores, windows, threshold);
  }

  /**
   * A table row: {@code values} in row order, detections = values at or above the profile's threshold
   * ({@code thresholds}: one per profile, or one for all; the first is the one shown and counted in
   * flagged_rows, over the rows after the probationary period).
   */
  private static Map<String, Object> nabRow(String series, String detector, double rocAuc, double shownThreshold,
      LocalDateTime[] times, double[] values, List<NabScore.Window> windows, double... thresholds) {
    int probation = NabScore.probationaryRows(values.length);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("series", series);
    r.put("detector", detector);
    r.put("roc_auc", rocAuc);
    r.put("threshold", shownThreshold);
    r.put("flagged_rows", java.util.Arrays.stream(values, probation, values.length).filter(v -> v >= thresholds[0])
        .count());
    putNabScores(r, times, values, windows, thresholds);
    r.put("git_commit", BenchResults.gitCommit());
    return r;
  }

  private static void putNabScores(Map<String, Object> r, LocalDateTime[] times, double[] scores,
      List<NabScore.Window> windows, double... thresholds) {
    for (int p = 0; p < NabScore.PROFILES.size(); p++) {
      NabScore.Profile profile = NabScore.PROFILES.get(p);
      NabScore.Result nab = NabScore.score(times, scores, windows, thresholds[Math.min(p, thresholds.length - 1)],
          profile);
      if (profile == NabScore.STANDARD) {
        r.put("windows", nab.windows());
        r.put("windows_detected", nab.windowsDetected());
        r.put("false_positive_rows", nab.falsePositives());
      }
      r.put("nab_" + profile.name() + "_raw", nab.raw());
      r.put("nab_" + profile.name() + "_normalised", nab.normalised());
    }
  }

  /**
   * {@code detector} at its defaults over the config's windows, as a user runs it: {@code detectors = windowed}
   * with {@code windowed.detector} set, trained on the probationary rows' windows and scored through the jobs;
   * the threshold from the training rows' scores (the config's strategy).
   */
  static List<Map<String, Object>> onWindows(JobContext ctx, String runDate, int probation, LocalDateTime[] times,
      List<NabScore.Window> windows) {
    Map<String, Object> m = RunJob.run(ctx, List.of(WindowedDetector.NAME), runDate, false).get(0);
    Dataset<Row> scores = Tables.read(ctx.spark(), ctx.warehouse().table(ctx.config().get("scores.table")))
        .where(col("run_date").equalTo(lit(runDate)).and(col("detector").equalTo(lit(WindowedDetector.NAME))));
    Map<String, Object> row = vigilRow(ctx.config().get("nab.series"), ctx.config().get("windowed.detector")
        + "-windows", scores, (Double) m.get("threshold"), times, windows, probation);
    return List.of(row, alarmRow(ctx, row, scores, times, windows));
  }

  /**
   * The same scores through the config's likelihood alarm ({@code alarm.*}: {@link LikelihoodAlarm}) instead of
   * a fixed threshold: a detection is a row that raises an alarm. Nothing is fitted; each alarm reads only
   * its row's and earlier rows' scores.
   */
  static Map<String, Object> alarmRow(JobContext ctx, Map<String, Object> thresholded, Dataset<Row> scored,
      LocalDateTime[] times, List<NabScore.Window> windows) {
    LikelihoodAlarm alarm = Detectors.setParams(new LikelihoodAlarm(), "alarm", ctx.config().withPrefix("alarm"));
    double[] alarms = alarm.transform(scored)
        .orderBy("row_index").select(alarm.getOrDefault(alarm.alarmCol())).collectAsList().stream()
        .mapToDouble(r -> r.getInt(0)).toArray();
    if (alarms.length != times.length) {
      throw new IllegalStateException(String.format("%s alarms for a series of %d rows.", alarms.length,
          times.length));
    }
    return nabRow((String) thresholded.get("series"), thresholded.get("detector") + "+alarm",
        (Double) thresholded.get("roc_auc"), Double.NaN, times, alarms, windows, 0.5);
  }

  /** A published detector's per-row output rescored at NAB's threshold of each profile (thresholds.json). */
  static Map<String, Object> publishedRow(String nabDir, String detector, String series, String windowsJson) {
    try {
      NabScore.Series output = NabScore.readResults(Path.of(nabDir, "results", detector + "_" + series + ".csv"));
      LocalDateTime[] times = output.timestamps();
      double[] scores = output.scores();
      com.fasterxml.jackson.databind.JsonNode thresholds = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(Path.of(nabDir, "results", "thresholds.json").toFile()).get(detector);
      double[] byProfile = NabScore.PROFILES.stream().mapToDouble(p -> thresholds.get(p.name()).get("threshold")
          .asDouble()).toArray();
      return nabRow(series, detector + "-published", Double.NaN, byProfile[0], times, scores,
          NabScore.windows(windowsJson, "realKnownCause/" + series + ".csv"), byProfile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read NAB's published results for " + detector + " on " + series, e);
    }
  }

  private static String readText(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** The series a suite runs: all of NabData's, or the comma-separated {@code list} (checked against them). */
  public static List<String> series(String list) {
    if (list == null || list.isBlank()) {
      return NabData.SERIES;
    }
    List<String> chosen = new ArrayList<>();
    for (String s : list.split(",")) {
      if (!NabData.SERIES.contains(s.trim())) {
        throw new IllegalArgumentException("Unknown NAB series '" + s.trim() + "' in nab.series; known: "
            + NabData.SERIES + ".");
      }
      chosen.add(s.trim());
    }
    return chosen;
  }
}
