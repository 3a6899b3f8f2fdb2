package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationBenchTest {

  @Test
  void givenCardiosSplitSizes_whenComputingTheCalibratedSpread_thenAboutHalfTheTargetAtOnePercent() {
    // 1,159 baseline rows and 496 fresh rows at 1%: sqrt(99 * (1/1159 + 1/496))
    assertEquals(0.5339, CalibrationBench.calibratedRatioSd(0.01, 1159, 496), 1e-4);
    assertEquals(Math.sqrt(19 * (2.0 / 1000)), CalibrationBench.calibratedRatioSd(0.05, 1000, 1000), 1e-12);
  }

  @Test
  void givenRatiosOverSplits_whenJudgingSets_thenTheMeanOfEachCellDecides() {
    List<Map<String, Object>> rows = new ArrayList<>();
    // set a: one split far out (0.5) but a mean within the bar (0.8); set b: a mean over it at 0.05 (1.6)
    rows.add(row("a", "pca", 0.0, 0.01, 0.5));
    rows.add(row("a", "pca", 0.0, 0.01, 1.1));
    rows.add(row("a", "pca", 0.0, 0.05, 1.0));
    rows.add(row("b", "pca", 0.0, 0.01, 1.0));
    rows.add(row("b", "pca", 0.0, 0.05, 1.4));
    rows.add(row("b", "pca", 0.0, 0.05, 1.8));
    rows.add(row("b", "pca", 0.2, 0.01, 1.0));
    rows.add(row("b", "pca", 0.2, 0.05, 1.2));
    List<CalibrationBench.Cell> cells = CalibrationBench.cells(rows);
    assertEquals(6, cells.size());
    assertEquals(0.8, cells.get(0).mean(), 1e-12);
    assertEquals(0.5, cells.get(0).min(), 1e-12);
    assertEquals(1.1, cells.get(0).max(), 1e-12);
    assertEquals(0.3 / Math.sqrt(2), cells.get(0).noiseOfMean(), 1e-12);
    assertEquals(List.of("a"), CalibrationBench.setsWithinBar(cells, 0.0));
    assertEquals(List.of("b"), CalibrationBench.setsWithinBar(cells, 0.2));
  }

  private static Map<String, Object> row(String set, String detector, double fraction, double target, double ratio) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dataset", set);
    r.put("detector", detector);
    r.put("calibration_fraction", fraction);
    r.put("contamination", target);
    r.put("ratio_to_target", ratio);
    r.put("calibrated_ratio_sd", 0.3);
    r.put("psi_fresh_vs_baseline", 0.01);
    return r;
  }
}
