package io.vigil.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.AnomalyModel;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.pca.PcaDetector;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import io.vigil.vae.VaeDetector;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Explanations of the detectors that score row by row (PCA, OCSVM, Isolation Forest) and of the VAE. */
class DetectorExplanationsTest extends SparkTestBase {

  /** Normal N(0, 1)^6 rows; each anomaly shifted by 6 in one coordinate, which its explanation must name. */
  private static Dataset<Row> train() {
    return SyntheticData.gaussianWithOutliers(spark, 1000, 0, 6, 6.0, 21);
  }

  private static Dataset<Row> test() {
    return SyntheticData.gaussianWithOutliers(spark, 300, 30, 6, 6.0, 22);
  }

  @Test
  void givenPerturbationDetectors_whenExplaining_thenFlaggedAnomaliesNameTheirShiftedFeatureAndUnflaggedRowsAreEmpty() {
    for (AnomalyModel<?> model : List.<AnomalyModel<?>>of(
        new IsolationForestDetector().setNumEstimators(100).setContamination(0.05).fit(train()),
        new OneClassSvmDetector().setNu(0.05).setContamination(0.05).fit(train()))) {
      model.setExplainTopK(2);
      Dataset<Row> scored = model.transform(test()).cache();
      double share = SyntheticData.shareNamingTheShiftedFeature(scored.where("prediction = 1"));
      System.out.println(model.detectorName() + " explanation share " + share);
      assertTrue(share >= 0.8, model.detectorName() + ": " + share + " of flagged anomalies name their shifted feature");
      assertEquals(0, scored.where("prediction = 0 AND size(score_contributions) > 0").count(), model.detectorName());
      assertEquals(0, scored.where("prediction = 1 AND size(score_top_features) <> 2").count(), model.detectorName());
      assertTrue(scored.where("prediction = 1").count() >= 20, model.detectorName());
      scored.unpersist();
    }
  }

  @Test
  void givenPcaAndVae_whenExplaining_thenEveryRowsContributionsSumToItsScore() {
    AnomalyModel<?> pca = new PcaDetector().setK(3).fit(train());
    AnomalyModel<?> probabilisticPca = new PcaDetector().setK(3).setScoreMode(PcaDetector.RECONSTRUCTION_PLUS_MAHALANOBIS)
        .fit(train());
    AnomalyModel<?> reconstructionPca = new PcaDetector().setK(3).setScoreMode(PcaDetector.RECONSTRUCTION).fit(train());
    AnomalyModel<?> vae = new VaeDetector().setEncoderLayers("8").setLatentSize(2).setEpochs(3).setBatchSize(64)
        .setNumWorkers(1).fit(train());
    for (AnomalyModel<?> model : List.of(pca, probabilisticPca, reconstructionPca, vae)) {
      model.setExplainTopK(3);
      List<Row> rows = model.transform(test()).select("score", "score_contributions").collectAsList();
      assertEquals(330, rows.size());
      for (Row r : rows) {
        double sum = r.<Double>getList(1).stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(r.getDouble(0), sum, 1e-3 * Math.max(1, Math.abs(r.getDouble(0))), model.detectorName());
      }
    }
    // one component of six: the residual keeps most of an axis-parallel shift on its own axis (with three,
    // a random half of it leaks onto the others)
    AnomalyModel<?> oneComponent = new PcaDetector().setK(1).fit(train()).setExplainTopK(1);
    double share = SyntheticData.shareNamingTheShiftedFeature(oneComponent.transform(test()));
    System.out.println("pca explanation share " + share);
    assertTrue(share >= 0.7, "pca " + share); // chance: 1 in 6
  }

  @Test
  void givenModelWithoutTrainingMeans_whenExplainingByPerturbation_thenErrorSaysRetrain() {
    AnomalyModel<?> model = new IsolationForestDetector().setNumEstimators(10).fit(train());
    model.clear(model.featureMeans());
    model.setExplainTopK(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.transform(test()));
    assertTrue(e.getMessage().contains("retrain"), e.getMessage());
  }
}
