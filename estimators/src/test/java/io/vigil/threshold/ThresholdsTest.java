package io.vigil.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.SharedParams;
import io.vigil.pca.PcaDetector;
import io.vigil.pca.PcaModel;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ThresholdsTest extends SparkTestBase {

  private static Dataset<Row> oneToThousand() {
    double[] s = new double[1000];
    int[] y = new int[1000];
    for (int i = 0; i < 1000; i++) {
      s[i] = i + 1;
      y[i] = i >= 950 ? 1 : 0;
    }
    return SyntheticData.scores(spark, s, y, 3);
  }

  @Test
  void givenContamination_whenThresholdFromTrainingScores_thenItIsTheUpperQuantile() {
    double t = Thresholds.fromTrainingScores(oneToThousand(), "score", SharedParams.CONTAMINATION, 0.05, 3);
    assertEquals(950, t, 1.0);
  }

  @Test
  void givenMeanStd_whenThresholdFromTrainingScores_thenMeanPlusKSigma() {
    double t = Thresholds.fromTrainingScores(oneToThousand(), "score", SharedParams.MEAN_STD, 0.05, 2);
    double sd = Math.sqrt((1000.0 * 1000 - 1) / 12);
    assertEquals(500.5 + 2 * sd, t, 1e-6);
  }

  @Test
  void givenLabelledValidation_whenTunedForF1_thenSeparatingThresholdIsSetOnTheModel() {
    Dataset<Row> data = SyntheticData.lowRank(spark, 500, 0, 6, 2, 1);
    // rows near a plane, anomalies off it: the reconstruction error separates them cleanly
    PcaModel model = new PcaDetector().setK(2).setScoreMode(PcaDetector.RECONSTRUCTION).fit(data);
    Dataset<Row> val = model.scoreOnly(SyntheticData.lowRank(spark, 400, 40, 6, 2, 1));
    double t = io.vigil.pipeline.AnomalyPipeline.tuneThreshold(model, val, "label", SharedParams.MAX_F1);
    assertEquals(t, model.getThreshold(), 0.0);
    assertEquals(SharedParams.MAX_F1, model.getThresholdStrategy());
    long wrong = model.transform(SyntheticData.lowRank(spark, 400, 40, 6, 2, 1))
        .filter("prediction != label").count();
    assertTrue(wrong <= 4, "misclassified rows: " + wrong);
  }

  @Test
  void givenUnknownMetric_whenTuned_thenErrorNamesAllowedValues() {
    Dataset<Row> data = SyntheticData.lowRank(spark, 100, 10, 4, 1, 2);
    PcaModel model = new PcaDetector().setK(1).fit(data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> io.vigil.pipeline.AnomalyPipeline.tuneThreshold(model, model.scoreOnly(data), "label", "meanStd"));
    assertTrue(e.getMessage().contains("maxF1 or maxAccuracy"), e.getMessage());
  }

  @Test
  void givenPcaKeepingEveryComponentOfThreeColumns_whenFit_thenErrorNamesTheDetectorAndTheFix() {
    Dataset<Row> threeColumns = SyntheticData.lowRank(spark, 200, 0, 3, 2, 5);
    Thresholds.DegenerateScoresException e = assertThrows(Thresholds.DegenerateScoresException.class,
        () -> new PcaDetector().setK(3).setScoreMode(PcaDetector.RECONSTRUCTION).fit(threeColumns));
    assertTrue(e.getMessage().contains("Detector pca") && e.getMessage().contains("all 200 training scores are equal")
        && e.getMessage().contains("k < width"), e.getMessage());
    // meanStd is refused the same way; k = 2 ranks the rows, as does the default score with every component
    assertThrows(Thresholds.DegenerateScoresException.class, () -> new PcaDetector().setK(3)
        .setScoreMode(PcaDetector.RECONSTRUCTION).setThresholdStrategy(SharedParams.MEAN_STD).fit(threeColumns));
    assertTrue(new PcaDetector().setK(2).setScoreMode(PcaDetector.RECONSTRUCTION).fit(threeColumns)
        .getThreshold() > 0);
    assertTrue(new PcaDetector().setK(3).fit(threeColumns).getThreshold() > 0);
  }

  @Test
  void givenHeavyTiesAtTheQuantile_whenContaminationThreshold_thenNoMoreThanTheTargetIsFlagged() {
    // 1000 scores: 900 distinct low ones, then 100 tied at 5.0 and one above; the 0.95 quantile is the tie
    double[] s = new double[1001];
    for (int i = 0; i < 900; i++) {
      s[i] = i / 1000.0;
    }
    for (int i = 900; i < 1000; i++) {
      s[i] = 5.0;
    }
    s[1000] = 9.0;
    Dataset<Row> scores = SyntheticData.scores(spark, s, new int[1001], 3);
    Thresholds.Choice c = Thresholds.choose(scores, "score", SharedParams.CONTAMINATION, 0.05, 3);
    assertTrue(c.strictlyAbove(), c.toString());
    assertTrue(c.threshold() > 5.0 && c.threshold() <= 9.0, c.toString());
    assertEquals(1.0 / 1001, c.shareFlagged(), 1e-12, "only the row above the tie");
    assertTrue(c.shareFlagged() <= 0.05);
    // without ties the quantile itself is kept: 5% flagged, give or take one row
    Thresholds.Choice plain = Thresholds.choose(oneToThousand(), "score", SharedParams.CONTAMINATION, 0.05, 3);
    assertTrue(!plain.strictlyAbove() && Math.abs(plain.shareFlagged() - 0.05) <= 0.0011, plain.toString());
  }

  @Test
  void givenScoresMostlyTiedAtTheMinimum_whenContaminationThreshold_thenRefused() {
    double[] s = new double[1000];
    s[999] = 1.0; // 999 rows at 0, one above: the 0.99 quantile is the minimum
    Thresholds.DegenerateScoresException e = assertThrows(Thresholds.DegenerateScoresException.class,
        () -> Thresholds.choose(SyntheticData.scores(spark, s, new int[1000], 2), "score",
            SharedParams.CONTAMINATION, 0.01, 3));
    assertTrue(e.getMessage().contains("is their minimum"), e.getMessage());
  }
}
