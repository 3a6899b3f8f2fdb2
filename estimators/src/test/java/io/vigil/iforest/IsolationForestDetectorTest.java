package io.vigil.iforest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolationForestDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  @Test
  void givenPathLengthNormaliser_whenComputed_thenMatchesThePaper() {
    assertEquals(0.0, IsolationTree.averagePathLength(1));
    assertEquals(1.0, IsolationTree.averagePathLength(2));
    // c(256) = 2 H(255) - 2 * 255 / 256 with H(i) ~ ln(i) + Euler's gamma: 10.2448
    assertEquals(10.2448, IsolationTree.averagePathLength(256), 1e-3);
  }

  @Test
  void givenRows_whenExplainedByRewalkingOnlyTheTreesThatTestAFeature_thenSameAsRescoringEachPerturbedRow() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1000, 0, 6, 6, 9);
    IsolationForestModel model = new IsolationForestDetector().setNumEstimators(50).fit(train);
    double[] means = model.getFeatureMeans();
    IsolationTree[] forest = model.trees();
    int psi = model.numSamplesUsed();
    Random rnd = new Random(5);
    for (int row = 0; row < 100; row++) {
      double[] x = new double[6];
      for (int j = 0; j < 6; j++) {
        x[j] = row % 6 == j ? means[j] : 4 * rnd.nextGaussian(); // one feature already at its mean
      }
      double score = IsolationForestModel.score(forest, psi, x);
      double[] fast = IsolationForestModel.perturbationContributions(forest, psi, means, x, score);
      for (int j = 0; j < 6; j++) {
        double[] perturbed = x.clone();
        perturbed[j] = means[j];
        double rescored = Math.max(0.0, score - IsolationForestModel.score(forest, psi, perturbed));
        assertEquals(rescored, fast[j], 1e-12, "row " + row + " feature " + j);
      }
      assertEquals(0.0, fast[row % 6], "a feature at its mean explains nothing");
    }
  }

  @Test
  void givenOutliers_whenFit_thenTheyScoreHigherAndScoresLieInZeroOne() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 3000, 0, 5, 6, 4);
    Dataset<Row> test = SyntheticData.gaussianWithOutliers(spark, 1000, 60, 5, 6, 5);
    IsolationForestModel model = new IsolationForestDetector().setNumEstimators(50).fit(train);
    assertEquals(50, model.numTrees());
    Dataset<Row> scored = model.transform(test);
    double auc = new AnomalyEvaluator().evaluate(scored);
    // Trained on normal rows only, an outlier ends in the leaf of the most extreme normal rows: IF ranks
    // such out-of-range points well but not perfectly.
    assertTrue(auc > 0.9, "AUC " + auc);
    for (double s : orderedScores(scored)) {
      assertTrue(s > 0 && s <= 1, "score " + s);
    }
  }

  @Test
  void givenSameSeedAndPartitions_whenFitTwice_thenIdenticalScores_andAnotherSeedDiffers() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 20, 4, 2, 8);
    double[] a = orderedScores(new IsolationForestDetector().setNumEstimators(20).fit(train).transform(train));
    double[] b = orderedScores(new IsolationForestDetector().setNumEstimators(20).fit(train).transform(train));
    double[] c = orderedScores(new IsolationForestDetector().setNumEstimators(20).setSeed(7).fit(train).transform(train));
    assertArrayEquals(a, b, 0.0);
    assertTrue(!java.util.Arrays.equals(a, c));
  }

  @Test
  void givenMaxSamplesAsFractionAndFeatureSubsets_whenFit_thenTreesRespectThem() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1000, 0, 6, 6, 2);
    IsolationForestModel model = new IsolationForestDetector().setNumEstimators(30).setMaxSamples(0.1)
        .setMaxFeatures(0.5).setBootstrap(true).fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.gaussianWithOutliers(spark, 500, 30, 6, 6, 3)));
    assertTrue(auc > 0.7, "AUC " + auc); // half the trees never see the shifted feature
    int[] chosen = IsolationForestDetector.chooseFeatures(6, 3, new Random(1));
    assertEquals(3, chosen.length);
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScores() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 500, 10, 4, 2, 3);
    IsolationForestModel model = new IsolationForestDetector().setNumEstimators(15).fit(train);
    String path = dir.resolve("if").toString();
    model.write().save(path);
    IsolationForestModel loaded = IsolationForestModel.load(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
    assertEquals(model.getThreshold(), loaded.getThreshold());
  }

  @Test
  void givenInvalidParams_whenSet_thenRejected() {
    IsolationForestDetector d = new IsolationForestDetector();
    assertThrows(IllegalArgumentException.class, () -> d.setNumEstimators(0));
    assertThrows(IllegalArgumentException.class, () -> d.setMaxSamples(0));
    assertThrows(IllegalArgumentException.class, () -> d.setMaxFeatures(-1));
    assertTrue(List.of(d.params()).stream().anyMatch(p -> p.name().equals("bootstrap")));
  }
}
