package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.NabSuite;
import io.vigil.testing.RealData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sequence detector's time windows on a real NAB series through conf/nab.conf, with PCA on the same
 * windows beside it. CI runs the smallest series (ambient temperature, 7,267 rows, two labelled windows);
 * the three-series table is `bench --suite nab` (bench/results/nab.md).
 *
 * <p>Asserted, the bars on this series: ROC AUC >= .70 and >= PCA's on the same windows (measured
 * .8435 against PCA's .8074, 12 epochs chosen on validation), and both labelled windows get a flagged row.
 * The other two series take 7 and 5 minutes, too long for CI; their figures are in bench/results/nab.md.
 */
@Tag("realdata")
class NabQualityTest extends io.vigil.testing.SparkTestBase {

  @Test
  void givenAmbientTemperature_whenTheSequenceModelScoresItsWindows_thenBothLabelledWindowsAreFlagged() {
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    List<Map<String, Object>> rows = NabSuite.run(spark, project.resolve("conf/nab.conf").toString(),
        KddRunTest.OUTPUT, Map.of("shared.data", RealData.sharedData().toString()),
        List.of("ambient_temperature_system_failure"), "2026-11-22", null);
    Map<String, Object> r = rows.get(0);
    System.out.println("NAB ambient temperature: " + r);
    assertTrue((Double) r.get("seq2seq_roc_auc") >= 0.70, r.toString());
    assertTrue((Double) r.get("seq2seq_roc_auc") >= (Double) r.get("pca_roc_auc"), r.toString());
    assertEquals(2L, r.get("windows"));
    assertEquals(2L, r.get("windows_flagged"), r.toString());
  }
}
