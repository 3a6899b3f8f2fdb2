package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.AdbenchSemiSuite;
import io.vigil.testing.RealData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The defaults under adbench-semi (seed 0) on three of the six ADBench sets, against DTE's published Table 1
 * (the same split row for row): knn is PyOD's KNN, so within 0.3 of it; ecod within 1.0 where Vigil's ECOD
 * (distributions of the training rows alone) and PyOD's (of training and scored rows together) agree that
 * closely (cardio, mammography; on thyroid Vigil's is 1.5 higher); PCA at least 90 where DTE's is at least 94.
 */
@Tag("realdata")
class AdbenchSemiQualityTest extends io.vigil.testing.SparkTestBase {

  @Test
  void givenDefaults_whenAdbenchSemiRunsOnCardioMammographyThyroid_thenThePublishedFiguresHold() {
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    Map<String, String> overrides = new HashMap<>(Map.of("shared.data", RealData.sharedData().toString(),
        "sets", "cardio,mammography,thyroid", "seeds", "0"));
    List<Map<String, Object>> rows = AdbenchSemiSuite.run(spark, project.resolve("conf/adbench-semi.conf").toString(),
        KddRunTest.OUTPUT + "/adbench-semi", overrides, "knn,ecod,pca,ensemble", "2026-11-22",
        "target/adbench-semi-results");
    StringBuilder report = new StringBuilder();
    rows.forEach(r -> report.append(r).append('\n'));
    assertEquals(12, rows.size(), report.toString());
    for (Map<String, Object> r : rows) {
      String set = (String) r.get("set");
      double auc = (Double) r.get("roc_auc_x100_mean");
      double dte = (Double) r.get("dte_published_roc_auc_x100");
      assertTrue(auc >= 50, "no score may rank anomalies below chance: " + r);
      switch ((String) r.get("detector")) {
        case "knn" -> assertEquals(dte, auc, 0.3, "knn on " + set + "\n" + report);
        case "ecod" -> {
          if (!set.equals("thyroid")) {
            assertEquals(dte, auc, 1.0, "ecod on " + set + "\n" + report);
          }
        }
        case "pca" -> {
          if (dte >= 94) {
            assertTrue(auc >= 90, "pca on " + set + "\n" + report);
          }
        }
        default -> { }
      }
    }
  }
}
