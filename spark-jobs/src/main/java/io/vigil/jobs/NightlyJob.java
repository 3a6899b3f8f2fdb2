package io.vigil.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.vigil.reports.RunReport;
import io.vigil.warehouse.ModelInfo;
import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nightly --date D: for each detector, reuse the registry's current model or train a new one (none
 * yet; older than {@code nightly.retrainEveryDays}; or the previous run raised a drift alarm and
 * {@code drift.retrainOnAlarm} is true), then score the input for D (replacing partition run_date=D
 * in one commit) and upsert the metric row (D, detector) with its drift figures. Rerunning a date
 * gives the same rows, never duplicates.
 */
public final class NightlyJob {

  private static final Logger LOG = LoggerFactory.getLogger(NightlyJob.class);

  private NightlyJob() {}

  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, String runDate) {
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (String detector : detectors) {
      String reason = retrainReason(ctx, detector, runDate);
      if (reason != null) {
        LOG.info("nightly {}: training {} ({})", runDate, detector, reason);
        ScoreJob.run(ctx, TrainJob.run(ctx, detector), runDate);
      } else {
        LOG.info("nightly {}: reusing {} model {}", runDate, detector,
            ctx.warehouse().currentVersion(ctx.datasetKey(), detector));
        ScoreJob.run(ctx, detector, runDate, null);
      }
      Map<String, Object> m = EvaluateJob.run(ctx, detector, runDate, reason != null);
      m.put("retrain_reason", reason == null ? "" : reason);
      metrics.add(m);
    }
    RunReport.write(ctx.reportInputs(), runDate, detectors);
    return metrics;
  }

  /** {@code from} alone when {@code until} is null, else every date from {@code from} through {@code until}. */
  public static List<String> dates(String from, String until) {
    if (until == null) {
      return List.of(from);
    }
    LocalDate first = LocalDate.parse(from);
    LocalDate last = LocalDate.parse(until);
    if (last.isBefore(first)) {
      throw new IllegalArgumentException(String.format("--until %s is before --date %s.", until, from));
    }
    List<String> dates = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      dates.add(d.toString());
    }
    return dates;
  }

  /** Why the detector needs a new model before scoring {@code runDate}, or null to reuse the current one. */
  static String retrainReason(JobContext ctx, String detector, String runDate) {
    Warehouse wh = ctx.warehouse();
    JobConfig c = ctx.config();
    if (!wh.exists(wh.modelsDir(ctx.datasetKey(), detector) + "/current")) {
      return "no model in the registry";
    }
    String version = wh.currentVersion(ctx.datasetKey(), detector);
    ModelInfo info = ModelInfo.read(wh, wh.modelDir(ctx.datasetKey(), detector, version));
    int maxAge = Integer.parseInt(c.get("nightly.retrainEveryDays", "0"));
    if (maxAge > 0) {
      // The run date it was trained for (a backfill of old dates ages by run date, not by wall clock).
      LocalDate trained = info.trainedForDate() != null ? LocalDate.parse(info.trainedForDate())
          : Instant.parse(info.trainedAt()).atZone(ZoneOffset.UTC).toLocalDate();
      long age = ChronoUnit.DAYS.between(trained, LocalDate.parse(runDate));
      if (age >= maxAge) {
        return String.format("model %s is %d days old (retrainEveryDays = %d)", version, age, maxAge);
      }
    }
    if (Boolean.parseBoolean(c.get("drift.retrainOnAlarm", "false"))) {
      String metrics = wh.metricsTable();
      if (Tables.exists(ctx.spark(), metrics)) {
        // The latest earlier run of this detector, scored by the current model.
        List<Row> last = Tables.read(ctx.spark(), metrics)
            .where(col("dataset").equalTo(lit(c.get("dataset"))).and(col("protocol").equalTo(lit(c.get("protocol",
                "custom")))).and(col("detector").equalTo(lit(detector))).and(col("run_date").lt(lit(runDate)))
                .and(col("model_version").equalTo(lit(version))))
            .orderBy(col("run_date").desc()).select("run_date", "drift_alarm", "psi").limit(1).collectAsList();
        if (!last.isEmpty() && !last.get(0).isNullAt(1) && last.get(0).getBoolean(1)) {
          return String.format("drift alarm on %s (PSI %.3f)", last.get(0).getString(0), last.get(0).getDouble(2));
        }
      }
    }
    return null;
  }

  /** The lines the command prints. */
  public static Map<String, Object> summary(Map<String, Object> m) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (String k : List.of("detector", "model_version", "n_test", "n_flagged", "psi", "drift_alarm", "retrained",
        "retrain_reason", "roc_auc")) {
      s.put(k, m.get(k));
    }
    return s;
  }
}
