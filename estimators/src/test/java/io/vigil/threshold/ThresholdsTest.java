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
    PcaModel model = new PcaDetector().setK(2).fit(data);
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
}
