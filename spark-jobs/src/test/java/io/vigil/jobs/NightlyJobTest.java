package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nightly: registry reuse, idempotent date partitions, metric upserts, drift alarm and retraining. */
class NightlyJobTest extends SparkTestBase {

  @TempDir
  static Path dir;

  private Map<String, String> config(String output, String scorePath) {
    Map<String, String> c = JobsEndToEndTest.config(dir, output);
    c.put("threshold.strategy", "contamination");
    c.put("threshold.contamination", "0.05");
    c.remove("val.path");
    c.put("score.path", scorePath);
    c.put("drift.retrainOnAlarm", "true");
    return c;
  }

  private static JobContext ctx(Map<String, String> c) {
    return JobContext.of(spark, JobConfig.of("nightly-test", c));
  }

  @Test
  void givenTwoDatesBackfilledByOneCommandAndARerun_whenNightly_thenExactRowCountsOneMetricRowEachAndOneModel()
      throws java.io.IOException {
    JobsEndToEndTest.write(dir, "train", JobsEndToEndTest.rows(600, 0, 1));
    String day1 = JobsEndToEndTest.write(dir, "landing/2026-11-01", JobsEndToEndTest.rows(300, 10, 5));
    JobsEndToEndTest.write(dir, "landing/2026-11-02", JobsEndToEndTest.rows(200, 5, 6));
    String out = dir.resolve("warehouse-nightly").toString();
    String conf = JobsEndToEndTest.confFile(dir, config(out, dir.resolve("input/landing").toString() + "/${run_date}"))
        .toString();

    // nightly --date D1 --until D2: both dates in order in one session, as two scheduled nights would run
    assertEquals(0, io.vigil.cli.VigilCli.run(new String[] {"nightly", "--conf", conf, "--output", out, "--detector",
        "pca", "--date", "2026-11-01", "--until", "2026-11-02"}));
    Map<String, Object> rerun = NightlyJob.run(ctx(config(out, day1)), List.of("pca"), "2026-11-01").get(0);
    assertEquals(false, rerun.get("retrained"));
    assertEquals(1, NightlyJob.dates("2026-11-01", null).size());
    assertEquals(List.of("2026-10-31", "2026-11-01"), NightlyJob.dates("2026-10-31", "2026-11-01"));
    assertEquals(1, io.vigil.cli.VigilCli.run(new String[] {"nightly", "--conf", conf, "--output", out, "--date",
        "2026-11-02", "--until", "2026-11-01"}), "--until before --date is refused");

    JobContext c = ctx(config(out, day1));
    List<Row> counts = SqlJob.run(spark, c.warehouse(), "SELECT run_date, count(*), count(DISTINCT id) FROM"
        + " synthetic_scores GROUP BY run_date ORDER BY run_date").collectAsList();
    assertEquals(List.of(RowFactory.create("2026-11-01", 310L, 310L), RowFactory.create("2026-11-02", 205L, 205L)),
        counts);
    // one metric row per date, both from the one model the first night trained
    List<Row> metricRows = SqlJob.run(spark, c.warehouse(), "SELECT run_date, detector, n_test, model_version,"
        + " retrained, psi, drift_alarm FROM metrics ORDER BY run_date").collectAsList();
    assertEquals(2, metricRows.size(), metricRows.toString());
    assertEquals(List.of("2026-11-01", "pca", 310L, rerun.get("model_version"), false),
        List.of(metricRows.get(0).get(0), metricRows.get(0).get(1), metricRows.get(0).get(2), metricRows.get(0).get(3),
            metricRows.get(0).get(4)));
    assertEquals(List.of("2026-11-02", "pca", 205L, rerun.get("model_version"), false),
        List.of(metricRows.get(1).get(0), metricRows.get(1).get(1), metricRows.get(1).get(2), metricRows.get(1).get(3),
            metricRows.get(1).get(4)));
    double psi = metricRows.get(1).getDouble(5);
    assertTrue(psi < 0.2, "same-distribution PSI " + psi);
    assertFalse(metricRows.get(1).getBoolean(6));
  }

  @Test
  void givenDriftedInput_whenNightly_thenPsiAlarm_andTheNextRunRetrains() {
    JobsEndToEndTest.write(dir, "train", JobsEndToEndTest.rows(600, 0, 1));
    String normal = JobsEndToEndTest.write(dir, "normal", JobsEndToEndTest.rows(300, 0, 7));
    List<Row> scaled = JobsEndToEndTest.rows(300, 0, 8).stream().map(r -> RowFactory.create(r.get(0),
        r.getDouble(1) * 3, r.getDouble(2) * 3, r.getDouble(3) * 3 + 1, r.get(4), r.get(5))).toList();
    String drifted = JobsEndToEndTest.write(dir, "drifted", scaled);
    String out = dir.resolve("warehouse-drift").toString();

    NightlyJob.run(ctx(config(out, normal)), List.of("pca"), "2026-11-10");
    Map<String, Object> alarm = NightlyJob.run(ctx(config(out, drifted)), List.of("pca"), "2026-11-11").get(0);
    assertTrue((Double) alarm.get("psi") > 0.2, "PSI " + alarm.get("psi"));
    assertEquals(true, alarm.get("drift_alarm"));
    assertEquals(false, alarm.get("retrained"));
    Map<String, Object> next = NightlyJob.run(ctx(config(out, normal)), List.of("pca"), "2026-11-12").get(0);
    assertEquals(true, next.get("retrained"));
    assertTrue(((String) next.get("retrain_reason")).startsWith("drift alarm on 2026-11-11"),
        (String) next.get("retrain_reason"));
  }
}
