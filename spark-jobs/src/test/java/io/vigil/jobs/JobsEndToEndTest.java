package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cli.VigilCli;
import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.ModelInfo;
import io.vigil.warehouse.ScoreInfo;
import io.vigil.warehouse.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs on small synthetic tables: outputs, reruns, bad input, and the command line. */
class JobsEndToEndTest extends SparkTestBase {

  @TempDir
  static Path dir;

  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
      .add("a", DataTypes.DoubleType, true).add("b", DataTypes.DoubleType, true).add("c", DataTypes.DoubleType, true)
      .add("proto", DataTypes.StringType, true).add("label", DataTypes.IntegerType);

  @BeforeAll
  static void writeInputs() {
    write("train", rows(600, 0, 1));
    write("val", rows(300, 30, 2));
    write("test", rows(400, 40, 3));
  }

  /** Normal rows: c = a + b (+ noise), anomalies break the relation. */
  static List<Row> rows(int normal, int anomalies, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < normal + anomalies; i++) {
      boolean anomaly = i >= normal;
      double a = rnd.nextGaussian();
      double b = rnd.nextGaussian();
      double c = a + b + (anomaly ? 3 + rnd.nextDouble() : 0.05 * rnd.nextGaussian());
      out.add(RowFactory.create((long) i, a, b, c, i % 3 == 0 ? "udp" : "tcp", anomaly ? 1 : 0));
    }
    return out;
  }

  static String write(String name, List<Row> rows) {
    return write(dir, name, rows);
  }

  static String write(Path base, String name, List<Row> rows) {
    String path = base.resolve("input/" + name).toString();
    spark.createDataFrame(rows, SCHEMA).repartition(2).write().mode("overwrite").parquet(path);
    return path;
  }

  static Map<String, String> config(String output) {
    return config(dir, output);
  }

  static Map<String, String> config(Path dir, String output) {
    Map<String, String> c = new HashMap<>();
    c.put("dataset", "synthetic");
    c.put("protocol", "unit");
    c.put("train.path", dir.resolve("input/train").toString());
    c.put("val.path", dir.resolve("input/val").toString());
    c.put("test.path", dir.resolve("input/test").toString());
    c.put("features.numeric", "a,b,c");
    c.put("features.categorical", "proto");
    c.put("features.scaler", "standard");
    c.put("threshold.strategy", "maxF1");
    c.put("pca.k", "3"); // a, b, c = a + b span 2 dimensions; the proto one-hot adds 1
    c.put("pca.scoreMode", "reconstruction"); // rows on a plane: the distance from it is the anomaly
    c.put("detectors", "pca");
    c.put("scores.table", "synthetic_scores");
    c.put("output", output);
    return c;
  }

  static JobContext context(Map<String, String> config) {
    return JobContext.of(spark, JobConfig.of("test", config));
  }

  static Path confFile(Map<String, String> config) throws IOException {
    return confFile(dir, config);
  }

  /** {@code config} as a file under {@code base} for the command line (its output comes from --output). */
  static Path confFile(Path base, Map<String, String> config) throws IOException {
    Path f = Files.createTempFile(base, "job", ".conf");
    StringBuilder s = new StringBuilder();
    config.forEach((k, v) -> {
      if (!k.equals("output")) {
        s.append(k).append(" = ").append(v).append('\n');
      }
    });
    Files.writeString(f, s);
    return f;
  }

  @Test
  void givenConfig_whenRunFromTheCommandLine_thenScoresMetricsAndReportsExistAndRerunReplacesThePartition()
      throws IOException {
    String out = dir.resolve("warehouse-cli").toString();
    Map<String, String> config = config(out);
    String conf = confFile(config).toString();
    assertEquals(0, VigilCli.run(new String[] {"run", "--conf", conf, "--output", out, "--detector", "pca",
        "--date", "2026-11-01"}));
    JobContext ctx = context(config);
    Dataset<Row> scores = Tables.read(spark, ctx.warehouse().table("synthetic_scores"));
    assertEquals(440, scores.count());
    assertEquals(List.of("id", "a", "b", "c", "proto", "label", "score", "prediction", "top_features", "detector",
        "model_version", "run_date"), List.of(scores.columns()));

    Path report = Path.of(java.net.URI.create(ctx.warehouse().reportDir("2026-11-01", "synthetic_unit", "pca")));
    JsonNode m = new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
    for (String field : List.of("dataset", "protocol", "detector", "roc_auc", "pr_auc", "precision", "recall", "f1",
        "f2", "threshold", "n_train", "n_test", "run_date", "model_version")) {
      assertTrue(m.has(field), "metrics.json lacks " + field + ": " + m);
    }
    assertTrue(m.get("roc_auc").asDouble() > 0.99, m.toString());
    assertEquals(600, m.get("n_train").asLong());
    assertEquals(440, m.get("n_test").asLong());
    assertTrue(Files.size(report.resolve("histogram.png")) > 1000);
    assertTrue(Files.size(report.resolve("roc_pr.png")) > 1000);

    // Rerun the same date (score only), then a second date: one partition replaced, one added.
    assertEquals(0, VigilCli.run(new String[] {"score", "--conf", conf, "--output", out, "--date", "2026-11-01"}));
    assertEquals(0, VigilCli.run(new String[] {"score", "--conf", conf, "--output", out, "--date", "2026-11-02"}));
    Dataset<Row> counts = SqlJob.run(spark, ctx.warehouse(),
        "SELECT CAST(run_date AS STRING) d, count(*) n, count(DISTINCT id) ids FROM synthetic_scores GROUP BY 1 ORDER BY 1");
    List<Row> rows = counts.collectAsList();
    assertEquals(2, rows.size());
    for (Row r : rows) {
      assertEquals(440L, r.getLong(1), r.toString());
      assertEquals(440L, r.getLong(2), r.toString());
    }
    assertEquals(1, SqlJob.run(spark, ctx.warehouse(), "SELECT * FROM metrics").count());
  }

  @Test
  void givenEnsembleConfig_whenBenchSuiteEnsembleRuns_thenItsTableComparesTheEnsembleWithItsBestMember()
      throws IOException {
    String out = dir.resolve("warehouse-ensemble").toString();
    Map<String, String> config = config(out);
    config.put("threshold.strategy", "contamination");
    config.put("ensemble.members", "pca,iforest");
    config.put("ensemble.tuneWeights", "true");
    config.put("ensemble.tuneHoldOut", "0.25");
    config.put("ensemble.explainTopK", "2");
    Path results = dir.resolve("results-ensemble");
    assertEquals(0, VigilCli.run(new String[] {"bench", "--suite", "ensemble", "--conf", confFile(config).toString(),
        "--output", out, "--results", results.toString()}));
    List<JsonNode> rows = new java.util.ArrayList<>();
    new ObjectMapper().readTree(results.resolve("ensemble-synthetic_unit.json").toFile()).forEach(rows::add);
    assertEquals(List.of("pca", "iforest", "ensemble"), rows.stream().map(r -> r.get("detector").asText()).toList());
    JsonNode ensemble = rows.get(2);
    double best = Math.max(rows.get(0).get("roc_auc").asDouble(), rows.get(1).get("roc_auc").asDouble());
    assertEquals(best, ensemble.get("best_member_roc_auc").asDouble(), 1e-12);
    assertEquals(ensemble.get("roc_auc").asDouble() / best, ensemble.get("ratio_vs_best_member").asDouble(), 1e-12);
    assertTrue(ensemble.get("weights").asText().startsWith("["), ensemble.toString());
    assertTrue(Files.readString(results.resolve("ensemble-synthetic_unit.md")).contains("| ensemble |"));
    // the weights were tuned on a quarter of the training rows held out, and the validation anomalies
    JobContext ctx = context(config);
    ModelInfo info = ModelInfo.read(ctx.warehouse(), ctx.warehouse().modelDir(ctx.datasetKey(), "ensemble",
        ensemble.get("model_version").asText()));
    assertEquals(150.0, info.param("numTuningNormalRows").asDouble(), 30.0, info.toString());
    assertTrue(info.param("numTuningAnomalyRows").asLong() > 0, info.toString());
    assertTrue(info.param("weights").isArray(), info.toString());
    // params as their own JSON: arrays are arrays, never Java's toString of one
    String infoText = ctx.warehouse().readText(ctx.warehouse().modelDir(ctx.datasetKey(), "ensemble",
        ensemble.get("model_version").asText()) + "/" + ModelInfo.FILE);
    assertTrue(!infoText.contains("[D@") && !infoText.contains("[Ljava"), infoText);
    assertTrue(info.param("featureMeans").isArray() && info.param("featureNames").isArray(), infoText);
    assertEquals(ModelInfo.FORMAT_VERSION, info.formatVersion());
    // and its score table explains the flagged rows
    Dataset<Row> scores = Tables.read(spark, ctx.warehouse().table("synthetic_scores")).where("detector = 'ensemble'");
    assertTrue(scores.where("prediction = 1").count() > 0);
    assertEquals(0, scores.where("prediction = 1 AND size(top_features) <> 2").count());

    config.put("ensemble.tuneWeights", "false");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(context(config), "ensemble"));
    assertTrue(e.getMessage().contains("tuneHoldOut = 0.25") && e.getMessage().contains("ensemble.tuneHoldOut"),
        e.getMessage());
  }

  @Test
  void givenMissingFeatureColumn_whenTrained_thenErrorNamesIt() {
    Map<String, String> config = config(dir.resolve("warehouse-missing").toString());
    config.put("features.numeric", "a,b,src_bytes");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(context(config), "pca"));
    assertTrue(e.getMessage().contains("Column 'src_bytes' not found"), e.getMessage());
  }

  @Test
  void givenNaNInScoringInput_whenScored_thenErrorByDefaultAndCountedRowsRejectedWhenSkipping() {
    List<Row> bad = rows(50, 0, 4);
    bad.set(3, RowFactory.create(3L, Double.NaN, 0.0, 0.0, "tcp", 0));
    bad.set(7, RowFactory.create(7L, 1.0, null, 0.0, "tcp", 0));
    bad.set(9, RowFactory.create(9L, Double.POSITIVE_INFINITY, 1.0, 0.0, "tcp", 1));
    String badPath = write("bad", bad);
    Map<String, String> config = config(dir.resolve("warehouse-nan").toString());
    config.put("score.path", badPath);
    TrainJob.run(context(config), "pca");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoreJob.run(context(config), "pca", "2026-11-03", null));
    assertTrue(e.getMessage().contains("'a': 2 rows, 'b': 1 rows; 3 of 50 rows affected"), e.getMessage());
    assertTrue(e.getMessage().contains("score.path"), e.getMessage());
    JobContext ctx = context(config);
    String table = ctx.warehouse().table("synthetic_scores");
    assertTrue(!Tables.exists(spark, table) || Tables.read(spark, table).where("run_date = '2026-11-03'").count() == 0,
        "a failed score run must not leave rows");

    config.put("input.invalid", "skip");
    ScoreInfo info = ScoreJob.run(context(config), "pca", "2026-11-03", null);
    assertEquals(3L, info.rowsRejected());
    assertEquals(47L, info.rowsScored());
    Map<String, Object> metrics = EvaluateJob.run(context(config), "pca", "2026-11-03");
    assertEquals(3L, metrics.get("rows_rejected"));
    assertEquals(47L, metrics.get("n_test"));
  }

  @Test
  void givenEmptyInput_whenScoredAndEvaluated_thenZeroRowsAndNoCrash() {
    String empty = write("empty", List.of());
    Map<String, String> config = config(dir.resolve("warehouse-empty").toString());
    config.put("score.path", empty);
    TrainJob.run(context(config), "pca");
    ScoreInfo info = ScoreJob.run(context(config), "pca", "2026-11-04", null);
    assertEquals(0L, info.rowsScored());
    Map<String, Object> metrics = EvaluateJob.run(context(config), "pca", "2026-11-04");
    assertEquals(0L, metrics.get("n_test"));
    assertTrue(Double.isNaN((Double) metrics.get("roc_auc")));
  }

  @Test
  void givenCsvWithAShortRow_whenTrained_thenErrorNamesTheEmptyColumnAndCount() throws IOException {
    Path csv = dir.resolve("ragged.csv");
    Files.writeString(csv, "a,b,c,proto\n1,2,3,tcp\n4,5\n");
    Map<String, String> config = config(dir.resolve("warehouse-csv").toString());
    config.put("train.path", csv.toString());
    config.put("input.format", "csv");
    config.put("threshold.strategy", "contamination");
    // Spark's CSV reader fills the missing fields of a short row with nulls; the input check catches them.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(context(config), "pca"));
    assertTrue(e.getMessage().contains("input train.path = " + csv), e.getMessage());
    assertTrue(e.getMessage().contains("('c': 1 rows; 1 of 2 rows affected)"), e.getMessage());
  }

  @Test
  void givenCommandLineMistakes_whenRun_thenExitCodesSaySo() {
    assertEquals(2, VigilCli.run(new String[] {"frobnicate"}));
    assertEquals(2, VigilCli.run(new String[] {}));
    assertEquals(0, VigilCli.run(new String[] {"train", "--help"}));
    assertEquals(2, VigilCli.run(new String[] {"score", "--conf", "x.conf", "--date", "22/11/2026"}));
    assertEquals(2, VigilCli.run(new String[] {"train"})); // --conf is required
    assertEquals(1, VigilCli.run(new String[] {"train", "--conf", dir.resolve("missing.conf").toString()}));
  }

  @Test
  void givenUnknownDetectorParam_whenTrained_thenErrorListsTheKnownOnes() {
    Map<String, String> config = config(dir.resolve("warehouse-param").toString());
    config.put("pca.components", "3");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(context(config), "pca"));
    assertTrue(e.getMessage().contains("Detector 'pca' has no parameter 'components'"), e.getMessage());
    assertTrue(e.getMessage().contains("varianceExplained"), e.getMessage());
  }
}
