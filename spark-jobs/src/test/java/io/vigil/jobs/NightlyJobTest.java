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
  void givenTwoDatesAndARerun_whenNightly_thenExactRowCountsOneMetricRowEachAndTheModelIsReused() {
    JobsEndToEndTest.write(dir, "train", JobsEndToEndTest.rows(600, 0, 1));
    String day1 = JobsEndToEndTest.write(dir, "day1", JobsEndToEndTest.rows(300, 10, 5));
    String day2 = JobsEndToEndTest.write(dir, "day2", JobsEndToEndTest.rows(200, 5, 6));
    String out = dir.resolve("warehouse-nightly").toString();

    Map<String, Object> first = NightlyJob.run(ctx(config(out, day1)), List.of("pca"), "2026-11-01").get(0);
    assertEquals(true, first.get("retrained"));
    assertEquals("no model in the registry", first.get("retrain_reason"));
    Map<String, Object> second = NightlyJob.run(ctx(config(out, day2)), List.of("pca"), "2026-11-02").get(0);
    assertEquals(false, second.get("retrained"));
    assertEquals(first.get("model_version"), second.get("model_version"));
    NightlyJob.run(ctx(config(out, day1)), List.of("pca"), "2026-11-01"); // rerun of the first date

    JobContext c = ctx(config(out, day1));
    List<Row> counts = SqlJob.run(spark, c.warehouse(), "SELECT run_date, count(*), count(DISTINCT id) FROM"
        + " synthetic_scores GROUP BY run_date ORDER BY run_date").collectAsList();
    assertEquals(List.of(RowFactory.create("2026-11-01", 310L, 310L), RowFactory.create("2026-11-02", 205L, 205L)),
        counts);
    List<Row> metricRows = SqlJob.run(spark, c.warehouse(), "SELECT run_date, detector, n_test FROM metrics ORDER BY"
        + " run_date").collectAsList();
    assertEquals(List.of(RowFactory.create("2026-11-01", "pca", 310L), RowFactory.create("2026-11-02", "pca", 205L)),
        metricRows);
    double psi = (Double) second.get("psi");
    assertTrue(psi < 0.2, "same-distribution PSI " + psi);
    assertFalse((Boolean) second.get("drift_alarm"));
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
