package io.vigil.bigan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BiGanDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  static BiGanDetector small() {
    return new BiGanDetector().setLatentSize(2).setHiddenSize(16).setEpochs(8).setBatchSize(32).setLearningRate(0.005);
  }

  @Test
  void givenLowRankData_whenTrainedOnTwoWorkers_thenOffSubspaceRowsScoreHigher() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 1000, 0, 6, 2, 31);
    // With the cycle term: on 1,000 rows the plain objective (the default, chosen on deepad-8020) has too few
    // steps to invert the generator; this checks the training machinery end to end.
    BiGanModel model = small().setCycleWeight(1.0).setEpochs(4).setNumWorkers(2).fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 300, 30, 6, 2, 31)));
    System.out.println("bigan synthetic AUC " + auc);
    // A smoke bar (PCA scores ~1.0 here): adversarially trained reconstructions are looser than an
    // autoencoder's; the quality bar is NeuralQualityTest's deepad-8020 figure.
    assertTrue(auc > 0.8, "AUC " + auc);
  }

  @Test
  void givenEmaDecay_whenFit_thenTheModelIsTheRoundsMovingAverageAndStillSeparates() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 1000, 0, 6, 2, 31);
    Dataset<Row> test = SyntheticData.lowRank(spark, 300, 30, 6, 2, 31);
    BiGanDetector detector = small().setCycleWeight(1.0).setEpochs(4).setNumWorkers(2);
    double[] lastRound = orderedScores(detector.fit(train).transform(test));
    // 0.5: this fit has 16 rounds in all, too few for a slower average to catch up with training
    BiGanModel averaged = detector.copy(new org.apache.spark.ml.param.ParamMap()).setEmaDecay(0.5).fit(train);
    double[] movingAverage = orderedScores(averaged.transform(test));
    assertTrue(!java.util.Arrays.equals(lastRound, movingAverage), "emaDecay changed nothing");
    double auc = new AnomalyEvaluator().evaluate(averaged.transform(test));
    assertTrue(auc > 0.8, "AUC " + auc);
    assertEquals(0.5, averaged.getEmaDecay());
    assertThrows(IllegalArgumentException.class, () -> new BiGanDetector().setEmaDecay(1.0));
    assertThrows(IllegalArgumentException.class, () -> new io.vigil.dl4j.ParameterAveragingTrainer(8, 1, 1, 1L, -0.1));
  }

  @Test
  void givenAlphaZero_whenScored_thenTheDiscriminatorTermDiffersPerRowWithinABatch() {
    // alpha = 0 leaves only the discriminator's feature-matching term: it must be a per-row figure (the
    // reference's discriminator term was one constant per batch).
    Dataset<Row> train = SyntheticData.lowRank(spark, 300, 20, 5, 2, 7).coalesce(1);
    BiGanModel model = small().setEpochs(2).setAlpha(0.0).fit(train);
    List<Double> scores = model.transform(train).select("score").as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList();
    long distinct = scores.stream().distinct().count();
    assertTrue(distinct > scores.size() * 0.9, distinct + " distinct scores of " + scores.size());
    assertTrue(scores.stream().allMatch(s -> s > 0 && Double.isFinite(s)));
    // alpha 1 scores without the discriminator's passes; the terms mix linearly, so alpha .5 (both passes)
    // must be the mean of the alpha 1 and alpha 0 scores
    double[] matching = orderedScores(model.transform(train));
    double[] reconstruction = orderedScores(model.setAlpha(1.0).transform(train));
    double[] half = orderedScores(model.setAlpha(0.5).transform(train));
    for (int i = 0; i < half.length; i++) {
      assertEquals(0.5 * reconstruction[i] + 0.5 * matching[i], half[i], 1e-4 * Math.max(1, half[i]));
    }
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScoresAndExplanations() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 200, 10, 4, 1, 5);
    BiGanModel model = small().setEpochs(2).setNumWorkers(2).setExplainTopK(2).setAlpha(1.0).fit(train);
    String path = dir.resolve("bigan").toString();
    model.write().save(path);
    BiGanModel loaded = BiGanModel.load(path);
    assertEquals(model.getLatentSize(), loaded.getLatentSize());
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
    // With alpha = 1 the score is the L1 reconstruction error: the explanations sum to it.
    for (Row r : loaded.transform(train).select("score", "score_contributions", "score_top_features").limit(20)
        .collectAsList()) {
      List<Double> contributions = r.getList(1);
      assertEquals(r.getDouble(0), contributions.stream().mapToDouble(Double::doubleValue).sum(), 1e-4);
      assertEquals(2, r.getList(2).size());
    }
  }

  @Test
  void givenDivergingTrainingOrDl4jSparkTrainer_whenFit_thenClearErrors() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 100, 0, 4, 1, 3);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> small().setEpochs(1).setTrainer("dl4j-spark").fit(train));
    assertTrue(refused.getMessage().contains("trainer 'vigil'"), refused.getMessage());
    IllegalStateException diverged = assertThrows(IllegalStateException.class,
        () -> small().setEpochs(3).setLearningRate(1e30).fit(train));
    assertTrue(diverged.getMessage().contains("diverged") && diverged.getMessage().contains("loss"),
        diverged.getMessage());
  }
}
