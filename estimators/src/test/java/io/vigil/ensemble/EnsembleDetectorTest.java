package io.vigil.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.ecod.EcodDetector;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.iforest.IsolationForestModel;
import io.vigil.knn.KnnDetector;
import io.vigil.pca.PcaDetector;
import io.vigil.pca.PcaModel;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnsembleDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  private static EnsembleDetector pcaAndForest() {
    return new EnsembleDetector().setCombination(EnsembleParams.MEAN).setMemberDetectors(List.of(new PcaDetector().setK(2).setScoreMode(PcaDetector.RECONSTRUCTION),
        new IsolationForestDetector().setNumEstimators(50)));
  }

  @Test
  void givenTwoMembers_whenFit_thenScoresAreTheMeanOfTheirNormalisedScoresAndNoIntermediateColumnsRemain() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 1000, 0, 6, 2, 5);
    Dataset<Row> test = SyntheticData.lowRank(spark, 300, 30, 6, 2, 5);
    for (String normalization : new String[] {EnsembleParams.ROBUST_Z, EnsembleParams.RANK}) {
      EnsembleModel model = pcaAndForest().setNormalization(normalization).fit(train);
      Dataset<Row> scored = model.transform(test);
      assertEquals(List.of("features", "label", "score", "prediction"), Arrays.asList(scored.columns()));
      double auc = new AnomalyEvaluator().evaluate(scored);
      assertTrue(auc > 0.95, normalization + " AUC " + auc);
      assertEquals(List.of("pca", "iforest"), Arrays.asList(model.getMembers()));
      assertEquals(1000L, model.getNumTrainingRows());
      // the training scores centre the normalisation: half the training rows on each side of the median
      double below = model.transform(train).where("score < " + (normalization.equals(EnsembleParams.RANK)
          ? 0.5 : 0.0)).count() / 1000.0;
      assertEquals(0.5, below, 0.1, normalization);
    }
  }

  @Test
  void givenMaxCombination_whenScored_thenEachRowTakesItsLargestMemberScore() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 500, 0, 6, 2, 7);
    EnsembleModel model = pcaAndForest().setCombination(EnsembleParams.MAX).fit(train);
    double[] max = orderedScores(model.transform(train));
    double[] mean = orderedScores(model.copy(new org.apache.spark.ml.param.ParamMap()).setCombination(
        EnsembleParams.MEAN).transform(train));
    for (int i = 0; i < max.length; i++) {
      assertTrue(max[i] >= mean[i] - 1e-12, "row " + i + ": max " + max[i] + " < mean " + mean[i]);
    }
  }

  @Test
  void givenAKnnMember_whenFit_thenTheThresholdComesFromTrainingScoresWithoutEachRowItself() {
    // The default ensemble, max(knn, ecod). Scored in sample, each training row would be its own nearest neighbour
    // (knn's k-th distance falls to the (k-1)-th of the others), the threshold would sit low and fresh rows from the
    // same distribution would be flagged well above the contamination.
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 4000, 0, 4, 6, 31);
    Dataset<Row> fresh = SyntheticData.gaussianWithOutliers(spark, 4000, 0, 4, 6, 32);
    EnsembleModel model = new EnsembleDetector().setMemberDetectors(List.of(new KnnDetector(), new EcodDetector()))
        .setCombination(EnsembleParams.MAX).setContamination(0.05).fit(train);
    double[] own = orderedScores(model.scoreTrainingRows(train));
    double[] inSample = orderedScores(model.scoreOnly(train));
    long raised = java.util.stream.IntStream.range(0, own.length).filter(i -> own[i] > inSample[i] + 1e-12).count();
    assertTrue(raised > own.length / 2, "training rows scored above their in-sample score: " + raised);
    double inSampleQuantile = model.scoreOnly(train).stat().approxQuantile("score", new double[] {0.95}, 1e-4)[0];
    assertTrue(model.getThreshold() > inSampleQuantile, model.getThreshold() + " <= " + inSampleQuantile);
    assertEquals(0.05, (Double) model.getOrDefault(model.trainShareFlagged()), 0.005);
    // a spread of about 0.005 from the two samples; the in-sample threshold flags 0.0715 of these rows
    double freshShare = model.transform(fresh).where("prediction = 1.0").count() / 4000.0;
    assertEquals(0.05, freshShare, 0.015, "share of fresh normal rows flagged");
  }

  @Test
  void givenRankNormalization_whenApplied_thenMonotoneAndOrderedBeyondTheTrainingRange() {
    double[] quantiles = {0, 1, 1, 1, 2}; // ties at 1
    double[] at = {-1, 0, 0.5, 1, 1.5, 2, 3, 10};
    double previous = Double.NEGATIVE_INFINITY;
    for (double s : at) {
      double r = Normalization.apply(s, quantiles, EnsembleParams.RANK);
      assertTrue(r > previous, s + " -> " + r);
      previous = r;
    }
    assertEquals(0.0, Normalization.apply(0, quantiles, EnsembleParams.RANK));
    assertEquals(1.0, Normalization.apply(2, quantiles, EnsembleParams.RANK));
    assertEquals(2.0, Normalization.apply(4, quantiles, EnsembleParams.RANK)); // one training range above
    assertEquals(-0.75, Normalization.apply(-1, new double[] {2, 4}, EnsembleParams.ROBUST_Z), 1e-12);
    // invert: the smallest raw score reaching a normalised value (a member's own threshold)
    double[] spread = {0, 1, 3, 6, 10};
    for (double v : new double[] {-0.5, 0, 0.1, 0.5, 0.875, 1, 2.5}) {
      assertEquals(v, Normalization.apply(Normalization.invert(v, spread, EnsembleParams.RANK), spread,
          EnsembleParams.RANK), 1e-12, "rank " + v);
      assertEquals(v, Normalization.apply(Normalization.invert(v, new double[] {2, 4}, EnsembleParams.ROBUST_Z),
          new double[] {2, 4}, EnsembleParams.ROBUST_Z), 1e-12, "robustZ " + v);
    }
    // with ties, what invert returns reaches at least the asked value
    assertTrue(Normalization.apply(Normalization.invert(0.6, quantiles, EnsembleParams.RANK), quantiles,
        EnsembleParams.RANK) >= 0.6);
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScoresWeightsAndMembers() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 500, 20, 6, 2, 9);
    EnsembleModel model = pcaAndForest().setNormalization(EnsembleParams.RANK).fit(train).setWeights(2, 0.5);
    String path = dir.resolve("ensemble").toString();
    model.write().save(path);
    EnsembleModel loaded = EnsembleModel.load(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
    assertArrayEquals(new double[] {2, 0.5}, loaded.getWeights());
    assertEquals(EnsembleParams.RANK, loaded.getNormalization());
    assertTrue(loaded.memberModels().get(0) instanceof PcaModel);
    assertTrue(loaded.memberModels().get(1) instanceof IsolationForestModel);
    assertEquals(model.getThreshold(), loaded.getThreshold());
  }

  @Test
  void givenLabelledValidationRows_whenWeightsTuned_thenValidationAucIsAtLeastTheEqualWeights() {
    // axis-parallel outliers: the forest finds them, PCA's residual (k = 5 of 6) only partly
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1000, 0, 6, 4.0, 11);
    Dataset<Row> val = SyntheticData.gaussianWithOutliers(spark, 400, 40, 6, 4.0, 12);
    EnsembleModel model = new EnsembleDetector().setCombination(EnsembleParams.MEAN).setMemberDetectors(List.of(new PcaDetector().setK(5).setScoreMode(PcaDetector.RECONSTRUCTION),
        new IsolationForestDetector().setNumEstimators(50))).fit(train);
    AnomalyEvaluator auc = new AnomalyEvaluator();
    double equal = auc.evaluate(model.transform(val));
    double tuned = auc.evaluate(model.tuneWeights(val, "label").transform(val));
    System.out.println("ensemble weights " + Arrays.toString(model.getWeights()) + " AUC " + equal + " -> " + tuned);
    assertEquals(2, model.getWeights().length);
    assertTrue(tuned >= equal, tuned + " < " + equal);
    assertTrue(model.getWeights()[1] > model.getWeights()[0], Arrays.toString(model.getWeights()));
  }

  @Test
  void givenExplainTopK_whenScored_thenFlaggedRowsNameTheFeatureTheirMembersBlameAndOthersAreEmpty() {
    // axis-parallel outliers (one coordinate shifted by 6): the forest explains by perturbation, flagged
    // rows only; PCA by its residual, every row
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1000, 0, 6, 6.0, 21);
    Dataset<Row> test = SyntheticData.gaussianWithOutliers(spark, 300, 30, 6, 6.0, 22);
    EnsembleModel model = new EnsembleDetector().setCombination(EnsembleParams.MEAN).setMemberDetectors(List.of(new PcaDetector().setK(1).setScoreMode(PcaDetector.RECONSTRUCTION),
        new IsolationForestDetector().setNumEstimators(100))).setContamination(0.05).fit(train);
    assertTrue(model.explains());
    for (String combination : new String[] {EnsembleParams.MEAN, EnsembleParams.MAX}) {
      Dataset<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap()).setCombination(combination)
          .setExplainTopK(2).transform(test).cache();
      assertEquals(List.of("features", "label", "score", "score_contributions", "score_top_features", "prediction"),
          Arrays.asList(scored.columns()));
      double share = SyntheticData.shareNamingTheShiftedFeature(scored.where("prediction = 1"));
      System.out.println("ensemble (" + combination + ") explanation share " + share);
      // alone: the forest names it for every flagged anomaly, PCA (k = 1) for 77% (chance: 1 in 6)
      assertTrue(share >= 0.8, combination + ": " + share);
      assertTrue(scored.where("prediction = 1 AND label = 1").count() >= 25, combination);
      assertEquals(0, scored.where("prediction = 0 AND size(score_contributions) > 0").count(), combination);
      assertEquals(0, scored.where("prediction = 1 AND size(score_top_features) <> 2").count(), combination);
      scored.unpersist();
    }
    // all the weight on PCA: the forest is not scored, and the explanation is PCA's own
    EnsembleModel pcaOnly = model.copy(new org.apache.spark.ml.param.ParamMap()).setWeights(1, 0).setExplainTopK(3);
    PcaModel pca = (PcaModel) pcaOnly.memberModels().get(0);
    List<Row> own = pca.copy(new org.apache.spark.ml.param.ParamMap()).setScoreCol("score").setExplainTopK(3)
        .transform(test).select("score_top_features").collectAsList();
    List<Row> ensemble = pcaOnly.transform(test).select("score_top_features", "prediction").collectAsList();
    int compared = 0;
    for (int r = 0; r < own.size(); r++) {
      if (ensemble.get(r).getDouble(1) == 1.0) {
        assertEquals(own.get(r).getList(0), ensemble.get(r).getList(0), "row " + r);
        compared++;
      }
    }
    assertTrue(compared >= 20, compared + " flagged rows");
  }

  @Test
  void givenBadMembersOrWeights_whenFit_thenErrorsNameThem() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 100, 0, 4, 1, 3);
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
        () -> new EnsembleDetector().setMemberDetectors(List.of(new PcaDetector())).fit(train));
    assertTrue(one.getMessage().contains("at least two members"), one.getMessage());
    IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
        () -> new EnsembleDetector().setMemberDetectors(List.of(new PcaDetector(), new IsolationForestDetector()))
            .setWeights(1, 2, 3).fit(train));
    assertTrue(weights.getMessage().contains("3 values for 2 members"), weights.getMessage());
    IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
        () -> new EnsembleDetector().setMemberDetectors(List.of(new PcaDetector(), new EnsembleDetector())));
    assertTrue(nested.getMessage().contains("cannot be a member"), nested.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> io.vigil.detectors.Detectors.create("ensemble", Map.of("members", "pca,lof"), n -> Map.of()));
    assertTrue(unknown.getMessage().contains("Unknown detector 'lof'"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EnsembleDetector().setWeights(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new EnsembleDetector().setWeights(1, -1));
  }

  @Test
  void givenMembersByNameFromText_whenCreated_thenEachMemberGetsItsOwnParams() {
    var ensemble = (EnsembleDetector) io.vigil.detectors.Detectors.create("ensemble",
        Map.of("members", "pca, iforest", "normalization", "rank", "weights", "1,3"),
        name -> name.equals("pca") ? Map.of("k", "2") : Map.of("numEstimators", "10"));
    assertArrayEquals(new String[] {"pca", "iforest"}, ensemble.getMembers());
    assertArrayEquals(new double[] {1, 3}, ensemble.getWeights());
    EnsembleModel model = ensemble.fit(SyntheticData.lowRank(spark, 200, 0, 4, 1, 3));
    assertEquals(2, ((PcaModel) model.memberModels().get(0)).numComponents());
    assertEquals(10, ((IsolationForestModel) model.memberModels().get(1)).getNumEstimators());
    assertTrue(!io.vigil.detectors.Detectors.parseList("all").contains("ensemble"));
    IllegalArgumentException byNameOnly = assertThrows(IllegalArgumentException.class,
        () -> io.vigil.detectors.Detectors.create("ensemble", Map.of()).fit(SyntheticData.lowRank(spark, 50, 0, 4, 1, 3)));
    assertTrue(byNameOnly.getMessage().contains("setMemberDetectors"), byNameOnly.getMessage());
  }
}
