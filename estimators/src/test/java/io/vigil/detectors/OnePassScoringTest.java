package io.vigil.detectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.AnomalyModel;
import io.vigil.core.Schemas;
import io.vigil.features.FeatureVectorizer;
import io.vigil.pipeline.AnomalyPipeline;
import io.vigil.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The score job's one pass ({@link AnomalyPipeline#scoreRows}): for every detector that scores feature batches, the
 * same scores and predictions as the pipeline's transform, bit for bit, from raw columns (numeric, a string and an
 * integer category), without the feature vector column; the vectorizer's input check still fails a bad row.
 */
class OnePassScoringTest extends SparkTestBase {

  static Stream<String> batchScoring() {
    return Stream.of("pca", "iforest", "ecod", "knn", "ocsvm", "ae", "vae", "bigan", "seq2seq");
  }

  /** 600 rows: three correlated numeric columns, a string category and an integer one, an id. */
  static Dataset<Row> raw() {
    return spark.range(600).toDF("id")
        .withColumn("a", org.apache.spark.sql.functions.sin(col("id")))
        .withColumn("b", col("a").multiply(2.0).plus(org.apache.spark.sql.functions.cos(col("id").multiply(7))))
        .withColumn("c", when(col("id").mod(97).equalTo(0), lit(40.0)).otherwise(col("id").mod(13).cast("double")))
        .withColumn("kind", when(col("id").mod(3).equalTo(0), lit("x")).otherwise(lit("y")))
        .withColumn("code", col("id").mod(4).cast("int"))
        .repartition(3);
  }

  static PipelineModel fit(String name, Dataset<Row> rows) {
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(new FeatureVectorizer().setNumericCols(new String[] {"a", "b", "c"})
        .setCategoricalCols(new String[] {"kind", "code"}).setScaler("standard").setOutputCol("features"));
    stages.add(DetectorPersistenceTest.quick(name));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(rows);
  }

  @ParameterizedTest
  @MethodSource("batchScoring")
  void givenBatchScoringDetector_whenScoredInOnePass_thenSameScoresAsTransformWithoutTheVector(String name) {
    Dataset<Row> rows = raw();
    PipelineModel model = fit(name, rows);
    AnomalyModel<?> detector = AnomalyPipeline.detectorOf(model);
    assertNotNull(detector.batchScorer(spark), name + " scores feature batches");
    Dataset<Row> onePass = AnomalyPipeline.scoreRows(model, rows, null);
    List<String> expected = new ArrayList<>(Arrays.asList(rows.columns()));
    expected.addAll(List.of(detector.getScoreCol(), detector.getPredictionCol()));
    assertEquals(expected, Arrays.asList(onePass.columns()));
    Dataset<Row> transformed = model.transform(rows);
    assertArrayEquals(ordered(transformed, detector.getScoreCol()), ordered(onePass, detector.getScoreCol()), 0.0);
    assertArrayEquals(ordered(transformed, detector.getPredictionCol()),
        ordered(onePass, detector.getPredictionCol()), 0.0);
    double flagged = Arrays.stream(ordered(onePass, detector.getPredictionCol())).sum();
    assertTrue(flagged > 0 && flagged < 600, name + " flags some rows, not all: " + flagged);
  }

  /** The check is the vectorizer's, the same for every detector: one classical, one neural. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pca", "ae"})
  void givenANullNumericFeature_whenScoredInOnePass_thenTheErrorNamesTheColumn(String name) {
    Dataset<Row> rows = raw();
    PipelineModel model = fit(name, rows);
    Dataset<Row> bad = rows.withColumn("b", when(col("id").equalTo(17), lit(null)).otherwise(col("b")));
    Exception e = assertThrows(Exception.class, () -> AnomalyPipeline.scoreRows(model, bad, null).collect());
    String message = rootMessage(e);
    assertTrue(message.contains(Schemas.NOT_FINITE_FEATURE) && message.contains("'b'"), message);
  }

  /**
   * Detectors that explain a whole batch at once explain in the one pass too: the same top features as the
   * transform's, and no contributions column (a score table keeps the names only).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"knn", "ae", "vae", "bigan", "seq2seq"})
  void givenBatchExplainingDetector_whenExplainedInOnePass_thenSameTopFeaturesAsTransform(String name) {
    Dataset<Row> rows = raw();
    PipelineModel fitted = fit(name, rows);
    AnomalyModel<?> detector = AnomalyPipeline.detectorOf(fitted);
    PipelineModel model = fitted.copy(new org.apache.spark.ml.param.ParamMap().put(detector.explainTopK(), 2));
    assertNotNull(AnomalyPipeline.detectorOf(model).batchScorer(spark), name + " explains feature batches");
    String top = io.vigil.core.Explanations.topFeaturesCol(detector.getScoreCol());
    Dataset<Row> scored = AnomalyPipeline.scoreRows(model, rows, null);
    List<String> columns = new ArrayList<>(Arrays.asList(rows.columns()));
    columns.addAll(List.of(detector.getScoreCol(), top, detector.getPredictionCol()));
    assertEquals(columns, Arrays.asList(scored.columns()));
    List<Row> expected = model.transform(rows).orderBy("id").select(detector.getScoreCol(), top).collectAsList();
    List<Row> onePass = scored.orderBy("id").select(detector.getScoreCol(), top).collectAsList();
    assertEquals(expected, onePass);
    assertEquals(2, onePass.get(0).getList(1).size());
  }

  /** Explained row by row (pca here), the rows take the pipeline's transform; so does an ensemble. */
  @org.junit.jupiter.api.Test
  void givenAnEnsembleOrRowExplanations_whenScored_thenThePipelineTransformWithoutTheVector() {
    PipelineModel pca = fit("pca", raw());
    PipelineModel explaining = pca.copy(new org.apache.spark.ml.param.ParamMap()
        .put(AnomalyPipeline.detectorOf(pca).explainTopK(), 2));
    assertNull(AnomalyPipeline.detectorOf(explaining).batchScorer(spark), "pca explains row by row");
    Dataset<Row> rows = raw();
    PipelineModel ensemble = fit("ensemble", rows);
    assertNull(AnomalyPipeline.detectorOf(ensemble).batchScorer(spark), "an ensemble has no batch scorer");
    Dataset<Row> scored = AnomalyPipeline.scoreRows(ensemble, rows, null);
    assertTrue(!Arrays.asList(scored.columns()).contains("features"), Arrays.toString(scored.columns()));
    AnomalyModel<?> detector = AnomalyPipeline.detectorOf(ensemble);
    assertArrayEquals(ordered(ensemble.transform(rows), detector.getScoreCol()),
        ordered(scored, detector.getScoreCol()), 0.0);
  }

  private static double[] ordered(Dataset<Row> scored, String column) {
    return scored.orderBy("id").select(column).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
