package io.vigil.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dl4j.Nd4jArrays;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.features.FeaturePipeline;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class AutoencoderDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  static AutoencoderDetector small() {
    return new AutoencoderDetector().setHiddenLayers("6,2,6").setEpochs(15).setBatchSize(64)
        .setAveragingFrequency(3).setLearningRate(0.01);
  }

  @Test
  void givenLowRankData_whenFit_thenOffSubspaceRowsScoreHigher() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 0, 8, 2, 31);
    AutoencoderModel model = small().setNumWorkers(2).fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 800, 40, 8, 2, 31)));
    assertTrue(auc > 0.95, "AUC " + auc);
  }

  @Test
  void givenDl4jSparkTrainer_whenFit_thenItLearnsTheSubspaceToo() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 0, 8, 2, 31);
    AutoencoderModel model = small().setNumWorkers(2).setTrainer("dl4j-spark").fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 800, 40, 8, 2, 31)));
    assertTrue(auc > 0.95, "AUC " + auc);
    assertEquals("dl4j-spark", model.getTrainer());
  }

  @Test
  void givenOneOrTwoWorkers_whenFit_thenRankingQualityIsAlike() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 0, 8, 2, 41);
    Dataset<Row> test = SyntheticData.lowRank(spark, 800, 40, 8, 2, 41);
    double one = new AnomalyEvaluator().evaluate(small().setNumWorkers(1).fit(train).transform(test));
    double two = new AnomalyEvaluator().evaluate(small().setNumWorkers(2).fit(train).transform(test));
    assertEquals(one, two, 0.02, "1 worker " + one + ", 2 workers " + two);
  }

  @Test
  void givenScores_whenComparedWithAManualFloatComputation_thenEqual() {
    // Regression guard for ND4J M2's silent FLOAT/DOUBLE mixing: our batched MSE equals a plain Java one.
    Dataset<Row> train = SyntheticData.lowRank(spark, 300, 0, 4, 1, 3);
    AutoencoderModel model = small().setEpochs(2).fit(train);
    Row first = model.transform(train.limit(1)).first();
    double[] x = ((org.apache.spark.ml.linalg.Vector) first.getAs("features")).toArray();
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = Nd4jArrays.fromBytes(model.networkBytes());
    INDArray in = Nd4jArrays.row(Nd4jArrays.toFloats(x));
    assertEquals(DataType.FLOAT, in.dataType());
    float[] out = net.output(in, false).castTo(DataType.FLOAT).toFloatVector();
    double mse = 0;
    for (int i = 0; i < x.length; i++) {
      double d = out[i] - (float) x[i];
      mse += d * d / x.length;
    }
    assertEquals(mse, first.<Double>getAs("score"), 1e-5 * Math.max(1, mse));
  }

  @Test
  void givenPipelineWithFeaturePrep_whenSavedAndLoaded_thenIdenticalScores() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 400, 10, 4, 2, 5);
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(new org.apache.spark.ml.feature.StandardScaler().setInputCol("features").setOutputCol("scaled"));
    AutoencoderDetector ae = small().setEpochs(2);
    ae.set(ae.featuresCol(), "scaled");
    stages.add(ae);
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    String path = dir.resolve("ae-pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
  }

  /**
   * Rows a, b, d, e from two latent factors (d = a - b, e = 2a) and c, small independent noise that the
   * 2-wide code cannot carry; {@code shiftC} (in c's standard deviations) moves c away from its mean.
   */
  private Dataset<Row> named(long seed, int rows, double shiftC) {
    return spark.range(rows).selectExpr("randn(" + seed + ") AS a", "randn(" + (seed + 1) + ") AS b",
        "0.1 * (randn(" + (seed + 2) + ") + " + shiftC + ") AS c").selectExpr("a", "b", "c", "a - b AS d", "2 * a AS e");
  }

  @Test
  void givenExplainTopK_whenScoringARowOffInOneFeature_thenThatFeatureIsNamedFirst() {
    List<PipelineStage> stages = new ArrayList<>(new FeaturePipeline(List.of("a", "b", "c", "d", "e"), List.of(),
        List.of(), "standard", "features").stages());
    stages.add(small().setHiddenLayers("4,2,4").setExplainTopK(2));
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(named(1, 2000, 0));
    List<Row> rows = model.transform(named(9, 50, 6.0)).select("score", "score_contributions", "score_top_features")
        .collectAsList();
    for (Row r : rows) {
      List<Double> contributions = r.getList(1);
      List<String> top = r.getList(2);
      assertEquals(5, contributions.size());
      assertEquals(2, top.size());
      assertEquals("c", top.get(0), "contributions " + contributions);
      double mean = contributions.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertEquals(r.getDouble(0), mean, 1e-5 * Math.max(1, mean));
    }
  }

  @Test
  void givenNoExplainTopK_whenTransform_thenNoExplanationColumns() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 300, 0, 4, 1, 3);
    List<String> cols = List.of(small().setEpochs(1).fit(train).transform(train).columns());
    assertTrue(cols.contains("score") && !cols.contains("score_top_features"), cols.toString());
  }

  @Test
  void givenInvalidParams_whenSet_thenRejected() {
    AutoencoderDetector d = new AutoencoderDetector();
    assertThrows(IllegalArgumentException.class, () -> d.setHiddenLayers("15,,7"));
    assertThrows(IllegalArgumentException.class, () -> d.setHiddenLayers("0"));
    assertThrows(IllegalArgumentException.class, () -> d.setActivation("softsign2"));
    assertThrows(IllegalArgumentException.class, () -> d.setEpochs(0));
    assertArrayEquals(new int[] {15, 8, 2, 8, 15}, AutoencoderParams.hiddenSizes("", 18));
    assertArrayEquals(new int[] {15, 7, 2, 7, 15}, AutoencoderParams.hiddenSizes("15, 7,2,7,15", 18));
  }
}
