package io.vigil.windowed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.AnomalyModel;
import io.vigil.detectors.Detectors;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.sequence.SequenceWindowsTest;
import io.vigil.testing.SparkTestBase;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Row detectors over lagged windows, on two noisy sines with a flat, shifted burst in one of them (each row
 * alone looks normal: the burst's values lie inside the sine's range; only its shape over time is wrong).
 */
class WindowedDetectorTest extends SparkTestBase {

  static WindowedDetector windowed(String detector, Map<String, String> detectorParams) {
    return (WindowedDetector) Detectors.create(WindowedDetector.NAME, Map.of("detector", detector, "entityCol",
        "series", "orderCol", "t", "idCol", "id", "windowLength", "24", "maxGap", "120"), name -> detectorParams);
  }

  @Test
  void givenABurstThatOnlyItsShapeGivesAway_whenPcaAndIsolationForestScoreWindows_thenTheyFindIt() {
    Dataset<Row> train = SequenceWindowsTest.sines(false);
    Dataset<Row> test = SequenceWindowsTest.sines(true);
    for (Map.Entry<String, Map<String, String>> d : Map.of("pca", Map.of("k", "4"), "iforest",
        Map.<String, String>of()).entrySet()) {
      AnomalyModel<?> model = windowed(d.getKey(), d.getValue()).fit(train);
      Dataset<Row> scored = model.transform(test);
      assertEquals(test.count(), scored.count(), "every row once");
      assertEquals(test.count(), scored.select("id").distinct().count());
      assertEquals(java.util.List.of("series", "t", "id", "features", "label", "score", "prediction"),
          java.util.List.of(scored.columns()));
      double auc = new AnomalyEvaluator().evaluate(scored);
      assertTrue(auc > 0.9, d.getKey() + " over windows: AUC " + auc);
      // The same detector on single rows cannot see the burst (its values are ordinary).
      double rowAuc = new AnomalyEvaluator().evaluate(Detectors.create(d.getKey(), d.getKey().equals("pca")
          ? Map.of("k", "1") : Map.of()).fit(train).transform(test));
      assertTrue(auc > rowAuc + 0.1, d.getKey() + ": windows " + auc + " vs rows " + rowAuc);
      double causalAuc = SequenceWindowsTest.assertLastIsCausal(model, ((WindowedModel) model).windowScore());
      assertTrue(causalAuc > 0.8, d.getKey() + " with windowScore last: AUC " + causalAuc);
    }
  }

  @Test
  void givenNoOrderColumnOrNoIdColumnOrAWindowedRowDetector_whenFit_thenErrorsSaySo() {
    Dataset<Row> train = SequenceWindowsTest.sines(false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> windowed("pca", Map.of())
        .setOrderCol("").fit(train));
    assertTrue(e.getMessage().contains("orderCol"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> windowed("pca", Map.of()).setIdCol("event").fit(train));
    assertTrue(e.getMessage().contains("idCol 'event'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> windowed("pca", Map.of())
        .setWindowDetector(Detectors.create("seq2seq", Map.of())));
    assertTrue(e.getMessage().contains("row detector"), e.getMessage());
  }
}
