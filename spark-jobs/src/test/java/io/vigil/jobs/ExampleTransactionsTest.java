package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it on your own table" path in one JVM: conf/example-transactions.conf over the seeded demo
 * table (here in Spark's session catalog, written by saveAsTable; CI runs the README's commands against the
 * vigil Iceberg catalog), no labels told to the jobs: prepare, then nightly on three consecutive dates.
 */
class ExampleTransactionsTest extends SparkTestBase {

  @TempDir
  static Path dir;

  static final String TABLE = "demo_transactions_test";
  static final List<String> DATES = List.of("2026-03-29", "2026-03-30", "2026-03-31");
  static final int ROWS_PER_DAY = 1000;
  static final List<Map<String, Object>> NIGHTS = new java.util.ArrayList<>();

  static Map<String, String> overrides(String runDate) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("run_date", runDate);
    o.put("prepare.table", TABLE);
    o.put("train.table", TABLE);
    o.put("score.table", TABLE);
    o.put("prepare.days", "35");
    o.put("prepare.rowsPerDay", String.valueOf(ROWS_PER_DAY));
    o.put("detectors", "iforest");
    return o;
  }

  static JobContext ctx(Map<String, String> overrides) {
    String conf = Path.of(System.getProperty("vigil.project.dir", ".."), "conf/example-transactions.conf").toString();
    return JobContext.of(spark, JobConfig.load(conf, dir.resolve("warehouse").toString(), overrides));
  }

  @BeforeAll
  static void prepareAndRunThreeNights() throws Exception {
    // Spark's in-memory session catalog forgets its tables with the JVM, not their files: clear a previous run's.
    org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(spark.conf().get("spark.sql.warehouse.dir"), TABLE);
    old.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(old, true);
    JobContext first = ctx(overrides(DATES.get(0)));
    assertFalse(PrepareJob.isPrepared(first));
    assertEquals(35L * ROWS_PER_DAY, PrepareJob.run(first).get(TABLE));
    assertTrue(PrepareJob.isPrepared(first));
    for (String date : DATES) {
      NIGHTS.add(NightlyJob.run(ctx(overrides(date)), List.of("iforest"), date).get(0));
    }
  }

  @Test
  void givenThreeNights_whenRun_thenOneModelIsTrainedOnTheWindowAndReused() {
    assertEquals(List.of(true, false, false), NIGHTS.stream().map(n -> n.get("retrained")).toList());
    Warehouse wh = ctx(overrides(DATES.get(0))).warehouse();
    assertEquals(1, wh.versions("transactions_example", "iforest").size());
    io.vigil.warehouse.ModelInfo info = io.vigil.warehouse.ModelInfo.read(wh,
        wh.modelDir("transactions_example", "iforest", wh.currentVersion("transactions_example", "iforest")));
    assertEquals(28L * ROWS_PER_DAY, info.nTrain(), "the 28 days before the first night");
    assertEquals("2026-03-29", info.trainedForDate());
    assertEquals(List.of("amount", "n_items", "hour_of_day"), info.featuresNumeric(),
        "features.numeric = * took the numeric columns but the ids, the time and the excluded columns");
    assertTrue(info.trainPath().startsWith("train.table = " + TABLE + " where txn_date >= DATE'2026-03-01'"),
        info.trainPath());
  }

  @Test
  void givenThreeNights_whenTheScoreTableIsRead_thenEachDateHasItsRowsOnceAndFlagsAboutTheTarget() {
    Dataset<Row> scores = Tables.read(spark, ctx(overrides(DATES.get(0))).warehouse().table("transactions_scores"));
    for (String date : DATES) {
      Dataset<Row> day = scores.where("run_date = '" + date + "' AND detector = 'iforest'");
      assertEquals(ROWS_PER_DAY, day.count(), date);
      assertEquals(ROWS_PER_DAY, day.select("txn_id").distinct().count(), date);
      assertEquals(0, day.where("txn_date <> DATE'" + date + "'").count(), date);
      double share = day.where("prediction = 1").count() / (double) ROWS_PER_DAY;
      assertTrue(share >= 0.005 && share <= 0.02, date + ": share flagged " + share + " against 0.01");
      assertEquals(0, day.where("prediction = 1 AND size(top_features) <> 3").count(), "flagged rows explained");
    }
  }

  @Test
  void givenNoLabelColumn_whenEvaluated_thenRankingMetricsAreNullAndTheReportShowsTheDistributionAndNoRoc() {
    for (Map<String, Object> night : NIGHTS) {
      assertTrue(Double.isNaN((Double) night.get("roc_auc")), night.toString());
      assertTrue(night.get("psi") instanceof Double psi && psi >= 0, night.toString());
    }
    Warehouse wh = ctx(overrides(DATES.get(2))).warehouse();
    String dir = wh.reportDir(DATES.get(2), "transactions_example", "iforest");
    assertTrue(wh.exists(dir + "/histogram.png"), "the score distribution, drawn without labels");
    assertFalse(wh.exists(dir + "/roc_pr.png"));
    String html = wh.readText(io.vigil.reports.RunReport.path(wh, DATES.get(2), "transactions_example"));
    assertTrue(html.contains("id=\"no-labels\"") && !html.contains("id=\"curves\""), "no ROC chart without labels");
    assertTrue(html.contains("data-metric=\"share_flagged\"") && html.contains("data-metric=\"psi\""));
    assertTrue(html.contains("<img"), "the histogram is in the page");
  }

  @Test
  void givenBadInputsOnTheTablePath_whenNightly_thenOneLineErrorsNameTheKeyAndNothingIsWritten() {
    String date = "2026-03-28";
    String[][] cases = { // key, bad value, what the one-line error must say
        {"score.table", "no_such_table", "score.table = no_such_table: no such table"},
        {"score.where", "txn_date = DATE'2027-01-01'", "score.where matched no rows"},
        {"score.where", "txn_date === 'x' AND", "score.where = txn_date === 'x' AND does not apply to input score.table"},
        {"input.schema", "amount STRING, n_items INT", "column 'amount' is double, but input.schema says string"}};
    for (String[] c : cases) {
      Map<String, String> bad = overrides(date);
      bad.put(c[0], c[1]);
      assertError(bad, date, c[2]);
    }
    Map<String, String> noTrainRows = overrides(date);
    noTrainRows.put("train.where", "txn_date > DATE'2027-01-01'");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(ctx(noTrainRows), "iforest"));
    assertTrue(e.getMessage().contains("train.table = " + TABLE + " where txn_date > DATE'2027-01-01'")
        && e.getMessage().contains("0 rows to train on"), e.getMessage());
  }

  private static void assertError(Map<String, String> overrides, String date, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NightlyJob.run(ctx(overrides), List.of("iforest"), date));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    Dataset<Row> scores = Tables.read(spark, ctx(overrides(date)).warehouse().table("transactions_scores"));
    assertEquals(0, scores.where("run_date = '" + date + "'").count(), "a failed night writes nothing");
  }
}
