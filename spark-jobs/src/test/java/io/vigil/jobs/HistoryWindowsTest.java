package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.ScoreInfo;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly windows that see yesterday: two sensors every 30 minutes, an anomaly on s1 from 21:00 on
 * 2026-11-01 to 03:00 on 2026-11-02, so midnight cuts it in two. The nightly run scores each date's landing
 * partition with {@code history.path} = the previous date's: the second date's first rows are scored with
 * windows that start the day before, exactly as one run over both dates scores them; without the history
 * they are not.
 */
class HistoryWindowsTest extends SparkTestBase {

  @TempDir
  static Path dir;

  static final StructType SCHEMA = new StructType().add("sensor", DataTypes.StringType)
      .add("ts", DataTypes.TimestampType).add("value", DataTypes.DoubleType);
  static final LocalDateTime ANOMALY_START = LocalDateTime.parse("2026-11-01T21:00");
  static final LocalDateTime ANOMALY_END = LocalDateTime.parse("2026-11-02T03:00");
  static final int WINDOW = 6;

  static String warehouse;

  /** Half-hourly rows of both sensors from {@code from} (inclusive) to {@code to} (exclusive). */
  static List<Row> rows(LocalDateTime from, LocalDateTime to, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (LocalDateTime t = from; t.isBefore(to); t = t.plusMinutes(30)) {
      for (String sensor : List.of("s1", "s2")) {
        double hour = t.getHour() + t.getMinute() / 60.0;
        double value = Math.sin(2 * Math.PI * hour / 24) + 0.05 * rnd.nextGaussian();
        if (sensor.equals("s1") && !t.isBefore(ANOMALY_START) && t.isBefore(ANOMALY_END)) {
          value = 4.0;
        }
        out.add(RowFactory.create(sensor, Timestamp.valueOf(t), value));
      }
    }
    return out;
  }

  static String write(String name, List<Row> rows) {
    String path = dir.resolve("input/" + name).toString();
    spark.createDataFrame(rows, SCHEMA).repartition(2).write().mode("overwrite").parquet(path);
    return path;
  }

  static JobContext ctx(String scorePath, boolean withHistory, String runDate) {
    Map<String, String> c = new HashMap<>();
    c.put("run_date", runDate);
    c.put("dataset", "series");
    c.put("protocol", "unit");
    c.put("train.path", dir.resolve("input/train").toString());
    c.put("score.path", scorePath);
    if (withHistory) {
      c.put("history.path", dir.resolve("input/landing/${run_date - 1d}").toString());
    }
    c.put("id.cols", "sensor");
    c.put("time.col", "ts");
    c.put("features.numeric", "value");
    c.put("features.scaler", "standard");
    c.put("threshold.strategy", "contamination");
    c.put("threshold.contamination", "0.02");
    c.put("detectors", "seq2seq");
    c.put("seq2seq.entityCol", "sensor");
    c.put("seq2seq.orderCol", "ts");
    c.put("seq2seq.windowLength", String.valueOf(WINDOW));
    c.put("seq2seq.windowStride", "1");
    c.put("seq2seq.hiddenSize", "8");
    c.put("seq2seq.epochs", "4");
    c.put("seq2seq.batchSize", "32");
    c.put("seq2seq.numWorkers", "1");
    c.put("scores.table", "series_scores");
    c.put("output", warehouse);
    return JobContext.of(spark, JobConfig.of("history-test", c));
  }

  @BeforeAll
  static void nightlyOnBothDates() {
    warehouse = dir.resolve("warehouse").toString();
    write("train", rows(LocalDateTime.parse("2026-10-25T00:00"), LocalDateTime.parse("2026-11-01T00:00"), 1));
    write("landing/2026-11-01", rows(LocalDateTime.parse("2026-11-01T00:00"),
        LocalDateTime.parse("2026-11-02T00:00"), 2));
    write("landing/2026-11-02", rows(LocalDateTime.parse("2026-11-02T00:00"),
        LocalDateTime.parse("2026-11-03T00:00"), 3));
    String landing = dir.resolve("input/landing/${run_date}").toString();
    NightlyJob.run(ctx(landing, true, "2026-11-01"), List.of("seq2seq"), "2026-11-01"); // no history yet
    NightlyJob.run(ctx(landing, true, "2026-11-02"), List.of("seq2seq"), "2026-11-02");
    // The same model over both dates at once (run date 2026-12-01), and the second date without its history.
    ScoreJob.run(ctx(dir.resolve("input/landing/2026-11-0{1,2}").toString(), false, "2026-12-01"), "seq2seq",
        "2026-12-01", null);
    ScoreJob.run(ctx(dir.resolve("input/landing/2026-11-02").toString(), false, "2026-12-02"), "seq2seq",
        "2026-12-02", null);
  }

  /** (sensor|time) -> {score, prediction} of one run date's partition. */
  static Map<String, double[]> scores(String runDate) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : SqlJob.run(spark, ctx("", false, "2026-11-02").warehouse(), "SELECT sensor, ts, score, prediction FROM"
        + " series_scores WHERE run_date = '" + runDate + "'").collectAsList()) {
      out.put(r.getString(0) + "|" + r.getTimestamp(1).toLocalDateTime(), new double[] {r.getDouble(2), r.getDouble(3)});
    }
    return out;
  }

  @Test
  void givenAnAnomalyAcrossMidnight_whenNightlyReadsYesterdaysRows_thenTheSecondDateScoresAsOneRunOverBoth() {
    Map<String, double[]> night2 = scores("2026-11-02");
    Map<String, double[]> oneShot = scores("2026-12-01");
    Map<String, double[]> alone = scores("2026-12-02");
    assertEquals(96, night2.size(), "the second date's rows, each once");
    assertEquals(192, oneShot.size());
    int differAlone = 0;
    for (Map.Entry<String, double[]> e : night2.entrySet()) {
      double expected = oneShot.get(e.getKey())[0];
      assertEquals(expected, e.getValue()[0], 1e-5 * Math.max(1, Math.abs(expected)), e.getKey());
      assertEquals(oneShot.get(e.getKey())[1], e.getValue()[1], e.getKey());
      differAlone += Math.abs(alone.get(e.getKey())[0] - expected) > 1e-5 * Math.max(1, Math.abs(expected)) ? 1 : 0;
    }
    // Without the history, each sensor's first WINDOW - 1 rows of the date lose windows.
    assertTrue(differAlone >= 2, differAlone + " rows scored differently without the history");
    ScoreInfo info = ScoreInfo.read(ctx("", false, "2026-11-02").warehouse(), ctx("", false, "2026-11-02").warehouse()
        .reportDir("2026-11-02", "series_unit", "seq2seq"), "seq2seq", "2026-11-02");
    assertEquals(WINDOW - 1, info.historyRowsPerSeries());
    assertEquals(96, info.rowsScored());
  }

  @Test
  void givenAnAnomalyAcrossMidnight_whenNightly_thenItsRowsOnBothDatesAreFlaggedAsInOneRun() {
    Map<String, double[]> nightly = new HashMap<>(scores("2026-11-01"));
    nightly.putAll(scores("2026-11-02"));
    Map<String, double[]> oneShot = scores("2026-12-01");
    int anomalous = 0;
    for (LocalDateTime t = ANOMALY_START; t.isBefore(ANOMALY_END); t = t.plusMinutes(30)) {
      String key = "s1|" + t;
      assertEquals(1.0, oneShot.get(key)[1], "one run flags " + key);
      assertEquals(1.0, nightly.get(key)[1], "nightly flags " + key);
      anomalous++;
    }
    assertEquals(12, anomalous);
    assertNotEquals(0, nightly.size());
  }
}
