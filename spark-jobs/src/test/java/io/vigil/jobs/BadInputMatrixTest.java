package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input matrix through train, score and nightly: each case gets a clear error naming the
 * column or file (and counts), or the documented policy, and never leaves rows in the score table.
 */
class BadInputMatrixTest extends SparkTestBase {

  @TempDir
  static Path dir;

  static final String DATE = "2026-11-05";

  @BeforeAll
  static void inputs() {
    JobsEndToEndTest.write(dir, "train", JobsEndToEndTest.rows(600, 0, 1));
    JobsEndToEndTest.write(dir, "good", JobsEndToEndTest.rows(200, 10, 2));
  }

  private Map<String, String> config(String name) {
    Map<String, String> c = JobsEndToEndTest.config(dir, dir.resolve("wh-" + name).toString());
    c.put("threshold.strategy", "contamination");
    c.remove("val.path");
    c.put("score.path", dir.resolve("input/good").toString());
    return c;
  }

  private static boolean trained;

  /**
   * The config of one warehouse with a good pca model, trained once for every case that breaks the scoring
   * input (those runs all fail, so they write no rows to share).
   */
  private Map<String, String> trained() {
    Map<String, String> c = config("trained");
    if (!trained) {
      TrainJob.run(ctx(c), "pca");
      trained = true;
    }
    return c;
  }

  private static JobContext ctx(Map<String, String> c) {
    return JobContext.of(spark, JobConfig.of("bad-input-test", c));
  }

  /** Runs {@code job} on train, score and nightly in turn (score and nightly after a good training). */
  private void throughEveryJob(String name, Consumer<Map<String, String>> breakTrain,
      Consumer<Map<String, String>> breakScore, String... fragments) {
    Map<String, String> t = config(name + "-train");
    breakTrain.accept(t);
    expectError(() -> TrainJob.run(ctx(t), "pca"), fragments);

    Map<String, String> s = trained();
    breakScore.accept(s);
    expectError(() -> ScoreJob.run(ctx(s), "pca", DATE, null), fragments);
    assertNoRows(s);
    expectError(() -> NightlyJob.run(ctx(s), List.of("pca"), DATE), fragments);
    assertNoRows(s);
  }

  private static void expectError(Runnable job, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, job::run);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
  }

  private static void assertNoRows(Map<String, String> c) {
    String table = ctx(c).warehouse().table("synthetic_scores");
    assertTrue(!Tables.exists(spark, table) || Tables.read(spark, table).where("run_date = '" + DATE + "'").count() == 0,
        "a failed run left rows in " + table);
  }

  private static String writeRows(String name, List<Row> rows, String schemaDdl) {
    String path = dir.resolve("input/" + name).toString();
    spark.createDataFrame(rows, org.apache.spark.sql.types.StructType.fromDDL(schemaDdl)).write()
        .mode(SaveMode.Overwrite).parquet(path);
    return path;
  }

  @Test
  void missingColumn() {
    String noC = writeRows("no-c", List.of(RowFactory.create(1L, 1.0, 2.0, "tcp", 0)),
        "id BIGINT, a DOUBLE, b DOUBLE, proto STRING, label INT");
    throughEveryJob("missing", c -> c.put("train.path", noC), c -> c.put("score.path", noC),
        "Column 'c' not found", "[id, a, b, proto, label]");
  }

  @Test
  void stringInANumericFeature() {
    String textB = writeRows("text-b", List.of(RowFactory.create(1L, 1.0, "2.0", 3.0, "tcp", 0)),
        "id BIGINT, a DOUBLE, b STRING, c DOUBLE, proto STRING, label INT");
    throughEveryJob("type", c -> c.put("train.path", textB), c -> c.put("score.path", textB),
        "Column 'b' must be numeric but is string");
  }

  @Test
  void nanNullAndInfinityAreAnErrorByDefault() {
    List<Row> rows = new ArrayList<>(JobsEndToEndTest.rows(50, 0, 4));
    rows.set(3, RowFactory.create(3L, Double.NaN, 0.0, 0.0, "tcp", 0));
    rows.set(7, RowFactory.create(7L, 1.0, null, 0.0, "tcp", 0));
    rows.set(9, RowFactory.create(9L, Double.NEGATIVE_INFINITY, 1.0, 0.0, "tcp", 1));
    String bad = JobsEndToEndTest.write(dir, "nan", rows);
    throughEveryJob("nan", c -> c.put("train.path", bad), c -> c.put("score.path", bad),
        "'a': 2 rows, 'b': 1 rows; 3 of 50 rows affected", "input.invalid = skip");
  }

  /**
   * The score job checks its rows while it writes them (one read): an infinite value late in a rerun's input fails
   * the write before its commit, so the date keeps the rows of the earlier run, and the error still has the counts.
   */
  @Test
  void aRerunWithABadRowKeepsTheEarlierRowsOfTheDate() {
    Map<String, String> c = config("rerun");
    long good = ((Number) NightlyJob.run(ctx(c), List.of("pca"), DATE).get(0).get("n_test")).longValue();
    List<Row> rows = new ArrayList<>(JobsEndToEndTest.rows(50, 0, 4));
    rows.set(45, RowFactory.create(45L, Double.POSITIVE_INFINITY, 0.0, 0.0, "tcp", 0));
    c.put("score.path", JobsEndToEndTest.write(dir, "nan-rerun", rows));
    expectError(() -> ScoreJob.run(ctx(c), "pca", DATE, null), "'a': 1 rows; 1 of 50 rows affected", "score.path");
    String table = ctx(c).warehouse().table("synthetic_scores");
    assertEquals(210L, good); // input/good: 200 normal rows and 10 anomalies
    assertEquals(good, Tables.read(spark, table).where("run_date = '" + DATE + "'").count());
  }

  @Test
  void nanNullAndInfinityWithSkipAreCountedAndQuarantined() {
    List<Row> rows = new ArrayList<>(JobsEndToEndTest.rows(50, 0, 4));
    rows.set(3, RowFactory.create(3L, Double.NaN, 0.0, 0.0, "tcp", 0));
    rows.set(9, RowFactory.create(9L, Double.POSITIVE_INFINITY, 1.0, 0.0, "tcp", 1));
    String bad = JobsEndToEndTest.write(dir, "nan-skip", rows);
    Map<String, String> c = config("skip");
    c.put("input.invalid", "skip");
    c.put("score.path", bad);
    Map<String, Object> m = NightlyJob.run(ctx(c), List.of("pca"), DATE).get(0);
    assertEquals(2L, m.get("rows_rejected"));
    assertEquals(48L, m.get("n_test"));
    List<Row> q = SqlJob.run(spark, ctx(c).warehouse(), "SELECT reason, rows_rejected, row_json FROM quarantine"
        + " WHERE run_date = '" + DATE + "' AND job = 'score' ORDER BY row_json").collectAsList();
    assertEquals(2, q.size());
    assertEquals("a: 2", q.get(0).getString(0));
    assertTrue(q.get(0).getString(2).contains("\"id\":3") || q.get(1).getString(2).contains("\"id\":3"), q.toString());
  }

  @Test
  void aCategoryNeverSeenInTrainingIsScoredThroughTheUnknownSlot() {
    List<Row> rows = new ArrayList<>();
    for (Row r : JobsEndToEndTest.rows(30, 0, 9)) {
      rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), "icmp", r.get(5)));
    }
    String icmp = JobsEndToEndTest.write(dir, "icmp", rows);
    Map<String, String> c = config("unseen");
    c.put("score.path", icmp);
    Map<String, Object> m = NightlyJob.run(ctx(c), List.of("pca"), DATE).get(0);
    assertEquals(30L, m.get("n_test"));
  }

  @Test
  void emptyInput() {
    String empty = JobsEndToEndTest.write(dir, "empty", List.of());
    Map<String, String> t = config("empty-train");
    t.put("train.path", empty);
    expectError(() -> TrainJob.run(ctx(t), "pca"), "empty", "0 rows");
    Map<String, String> s = config("empty-score");
    s.put("score.path", empty);
    Map<String, Object> m = NightlyJob.run(ctx(s), List.of("pca"), DATE).get(0);
    assertEquals(0L, m.get("n_test"));
    assertNoRows(s);
  }

  @Test
  void csvWithDuplicateHeaderNamesOrARaggedRow() throws Exception {
    Path dup = dir.resolve("dup.csv");
    Files.writeString(dup, "a,a,b,c,proto\n1,2,3,4,tcp\n");
    Map<String, String> c = config("dup");
    c.put("train.path", dup.toString());
    c.put("input.format", "csv");
    // Spark renames duplicate CSV headers (a0, a1): the feature 'a' is then missing, and named.
    expectError(() -> TrainJob.run(ctx(c), "pca"), "Column 'a' not found", "a0");

    Path ragged = dir.resolve("long.csv");
    Files.writeString(ragged, "a,b,c,proto\n1,2,3,tcp\n4,5,6,udp,extra\n");
    Map<String, String> r = config("long");
    r.put("train.path", ragged.toString());
    r.put("input.format", "csv");
    Exception e = assertThrows(Exception.class, () -> TrainJob.run(ctx(r), "pca"));
    String all = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
    assertTrue(all.contains("Malformed") || all.contains("malformed"), all);
  }

  @Test
  void aParquetInputWhoseSchemaChanged() {
    Map<String, String> c = config("schema");
    NightlyJob.run(ctx(c), List.of("pca"), "2026-11-04");
    // The next night's files carry one more column: the score table keeps its columns, so the run stops
    // with a message naming both column lists, and the new date gets no rows.
    List<Row> wider = new ArrayList<>();
    for (Row r : JobsEndToEndTest.rows(20, 0, 11)) {
      wider.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), "x"));
    }
    String path = writeRows("wider", wider, "id BIGINT, a DOUBLE, b DOUBLE, c DOUBLE, proto STRING, label INT,"
        + " note STRING");
    c.put("score.path", path);
    expectError(() -> NightlyJob.run(ctx(c), List.of("pca"), DATE), "the input schema changed", "note");
    assertNoRows(c);
  }

  /** Writes {@code rows} as one Parquet file named {@code file} in directory input/{@code name}. */
  private static String writeFile(String name, String file, List<Row> rows,
      org.apache.spark.sql.types.StructType schema) {
    Path tmp = dir.resolve("tmp-" + name + "-" + file);
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(tmp.toString());
    try {
      Path target = Files.createDirectories(dir.resolve("input/" + name));
      try (var parts = Files.list(tmp)) {
        Path part = parts.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        Files.copy(part, target.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return target.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void parquetFilesThatDisagreeOnAColumnTypeOrOnTheColumns() {
    org.apache.spark.sql.types.StructType good = spark.read().parquet(dir.resolve("input/good").toString()).schema();
    // Two nights' files in one directory: 'a' is a double in one file and a string in the other.
    writeFile("mixed-types", "night1.parquet", JobsEndToEndTest.rows(30, 0, 12), good);
    String mixed = writeFile("mixed-types", "night2.parquet", List.of(RowFactory.create(2L, "1.5", 2.0, 3.0, "tcp", 0)),
        org.apache.spark.sql.types.StructType.fromDDL("id BIGINT, a STRING, b DOUBLE, c DOUBLE, proto STRING, label INT"));
    throughEveryJob("mixed-types", c -> c.put("train.path", mixed), c -> c.put("score.path", mixed),
        "input", "mixed-types", "disagree on a column's type", "column 'a' is double in night1.parquet",
        "string in night2.parquet");

    // One file lacks feature 'c': its rows read as nulls in 'c', which the input policy names and counts.
    writeFile("mixed-columns", "night1.parquet", JobsEndToEndTest.rows(30, 0, 12), good);
    String missing = writeFile("mixed-columns", "night2.parquet", List.of(RowFactory.create(2L, 1.0, 2.0, "tcp", 0),
        RowFactory.create(3L, 1.0, 2.0, "udp", 0)),
        org.apache.spark.sql.types.StructType.fromDDL("id BIGINT, a DOUBLE, b DOUBLE, proto STRING, label INT"));
    throughEveryJob("mixed-columns", c -> c.put("train.path", missing), c -> c.put("score.path", missing),
        "'c': 2 rows; 2 of 32 rows affected");
  }
}
