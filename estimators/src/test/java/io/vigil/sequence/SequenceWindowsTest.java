package io.vigil.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SequenceWindowsTest extends SparkTestBase {

  @TempDir
  Path dir;

  static final StructType SCHEMA = new StructType().add("series", DataTypes.StringType)
      .add("t", DataTypes.LongType).add("id", DataTypes.LongType).add("features", SQLDataTypes.VectorType())
      .add("label", DataTypes.IntegerType);

  /** Series of (t, value): value = t for easy checks. */
  static Dataset<Row> rows(String series, long... times) {
    List<Row> out = new ArrayList<>();
    for (long t : times) {
      out.add(RowFactory.create(series, t, t, Vectors.dense(t, -t), 0));
    }
    return spark.createDataFrame(out, SCHEMA);
  }

  @Test
  void givenAGapAndAShortSegment_whenCut_thenNoWindowCrossesTheGapAndEveryRowIsCovered() {
    // Segment 1: t = 0..5 (6 rows), gap, segment 2: t = 20..22 (3 rows, shorter than the window).
    Dataset<Row> in = rows("a", 3, 1, 0, 2, 5, 4, 20, 21, 22).unionByName(rows("b", 0, 1, 2, 3));
    SequenceWindows.Spec spec = new SequenceWindows.Spec("series", "t", 4, 3, 5);
    List<Row> windows = SequenceWindows.windows(in, "features", "id", spec, "w").collectAsList();
    List<String> ids = windows.stream().map(r -> r.getList(1).toString()).sorted().toList();
    // a: [0..3], then the tail window [2..5]; the short segment [20, 21, 22] padded; b: [0..3]
    assertEquals(List.of("[0, 1, 2, 3]", "[0, 1, 2, 3]", "[2, 3, 4, 5]", "[20, 21, 22]"), ids);
    Row padded = windows.stream().filter(r -> r.getList(1).size() == 3).findFirst().orElseThrow();
    // channel-major: feature 0 over the 4 steps (last row repeated), then feature 1
    assertEquals(Vectors.dense(20, 21, 22, 22, -20, -21, -22, -22), padded.get(0));
  }

  @Test
  void givenMissingOrderColumnOrBadStride_whenUsed_thenClearErrors() {
    Dataset<Row> in = rows("a", 0, 1, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceDetector()
        .setOrderCol("timestamp").fit(in));
    assertTrue(e.getMessage().contains("'timestamp'") && e.getMessage().contains("orderCol"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SequenceDetector().setWindowStride(0));
  }

  /** A noisy sine per series; in series "a" an anomaly (a flat, shifted burst) at rows 600..629. */
  public static Dataset<Row> sines(boolean withAnomaly) {
    Random random = new Random(5);
    List<Row> out = new ArrayList<>();
    long id = 0;
    for (String series : new String[] {"a", "b"}) {
      for (int t = 0; t < 800; t++) {
        boolean anomaly = withAnomaly && series.equals("a") && t >= 600 && t < 630;
        double v = anomaly ? 0.9 : Math.sin(t * 2 * Math.PI / 24) + random.nextGaussian() * 0.05;
        out.add(RowFactory.create(series, (long) t * 60, id++, Vectors.dense(v), anomaly ? 1 : 0));
      }
    }
    return spark.createDataFrame(out, SCHEMA).repartition(3);
  }

  @Test
  void givenPeriodicSeries_whenWindowedModelScores_thenTheBurstScoresHigherAndEveryRowIsScoredOnce()
      throws Exception {
    SequenceDetector detector = new SequenceDetector().setEntityCol("series").setOrderCol("t").setWindowLength(24)
        .setWindowStride(1).setMaxGap(120).setHiddenSize(8).setEpochs(6).setBatchSize(32).setLearningRate(0.01)
        .setNumWorkers(2);
    SequenceModel model = detector.fit(sines(false));
    Dataset<Row> test = sines(true);
    // cached: the checks below read it six times, and each read would run the LSTM over every window again
    Dataset<Row> scored = model.transform(test).cache();
    assertEquals(test.count(), scored.count());
    assertEquals(test.count(), scored.select("id").distinct().count());
    assertEquals(0, scored.where("score IS NULL").count());
    double auc = new AnomalyEvaluator().evaluate(scored);
    System.out.println("seq2seq windowed synthetic AUC " + auc);
    assertTrue(auc > 0.9, "AUC " + auc);
    double causalAuc = assertLastIsCausal(model, model.windowScore());
    assertTrue(causalAuc > 0.8, "AUC with windowScore last " + causalAuc);
    String path = dir.resolve("windowed").toString();
    model.write().save(path);
    SequenceModel loaded = SequenceModel.load(path);
    assertEquals("t", loaded.getOrderCol());
    assertEquals(scored.orderBy("id").select("score").collectAsList(),
        loaded.transform(test).orderBy("id").select("score").collectAsList());
    // explained: the same scores, each split over the (one) feature so that the split averages to it
    List<Row> explained = loaded.copy(new org.apache.spark.ml.param.ParamMap()).setExplainTopK(2).transform(test)
        .orderBy("id").select("score", "score_contributions", "score_top_features").collectAsList();
    List<Row> plain = scored.orderBy("id").select("score").collectAsList();
    for (int i = 0; i < explained.size(); i++) {
      Row r = explained.get(i);
      assertEquals(plain.get(i).getDouble(0), r.getDouble(0), 0.0);
      assertEquals(r.getDouble(0), r.<Double>getList(1).stream().mapToDouble(Double::doubleValue).average()
          .orElseThrow(), 1e-6);
      assertEquals(List.of("f0"), r.getList(2));
    }
  }

  /**
   * windowScore = last is causal: {@code model} scores the series without and with the burst (they differ
   * from t = 600 of series a on), and with last every earlier row's score is the same; with max (the
   * windows ending up to windowLength - 1 rows later) some are not. Returns the AUC with last on the burst.
   */
  public static double assertLastIsCausal(io.vigil.core.AnomalyModel<?> model, org.apache.spark.ml.param.Param<String>
      windowScore) {
    Dataset<Row> clean = sines(false);
    Dataset<Row> burst = sines(true);
    java.util.function.BiFunction<String, Dataset<Row>, List<Row>> before = (rule, rows) -> model
        .copy(new org.apache.spark.ml.param.ParamMap().put(windowScore, rule)).transform(rows)
        .where("series = 'a' AND t < 600 * 60").orderBy("id").select("id", "score").collectAsList();
    assertEquals(before.apply("last", clean), before.apply("last", burst), "last must not read later rows");
    assertTrue(!before.apply("max", clean).equals(before.apply("max", burst)), "max reads later rows");
    Dataset<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap().put(windowScore, "last"))
        .transform(burst).cache();
    assertEquals(burst.count(), scored.count());
    assertEquals(0, scored.where("score IS NULL").count());
    return new AnomalyEvaluator().evaluate(scored);
  }

  @Test
  void givenASeriesWithNoEntityColumnInFourPartitions_whenScored_thenTimeRangesWithHalosScoreAsOnePass() {
    SequenceDetector detector = new SequenceDetector().setOrderCol("t").setWindowLength(24).setWindowStride(1)
        .setMaxGap(120).setHiddenSize(4).setEpochs(1).setBatchSize(64).setNumWorkers(1);
    Dataset<Row> series = sines(true).where("series = 'a'").drop("series");
    SequenceModel model = detector.fit(series);
    Dataset<Row> chunked = model.transform(series.repartition(4));
    assertTrue(chunked.rdd().getNumPartitions() >= 4, "not one task: " + chunked.rdd().getNumPartitions());
    List<Row> onePass = model.transform(series.coalesce(1)).orderBy("id").select("id", "score").collectAsList();
    List<Row> ranges = chunked.orderBy("id").select("id", "score").collectAsList();
    assertEquals(800, ranges.size());
    assertEquals(List.of("t", "id", "features", "label", "score", "prediction"), List.of(chunked.columns()));
    for (int i = 0; i < onePass.size(); i++) {
      assertEquals(onePass.get(i).getLong(0), ranges.get(i).getLong(0));
      assertEquals(onePass.get(i).getDouble(1), ranges.get(i).getDouble(1), 1e-6, "row " + i);
    }
  }
}
