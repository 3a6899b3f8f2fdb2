package io.vigil.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DriftTest extends SparkTestBase {

  private Dataset<Row> normalScores(long seed, double scale, double shift) {
    return spark.range(20000).selectExpr("randn(" + seed + ") * " + scale + " + " + shift + " AS score");
  }

  @Test
  void givenSameDistribution_whenPsi_thenSmall_andShiftedDistribution_thenAboveAlarm() {
    Dataset<Row> train = normalScores(1, 1.0, 0.0);
    double[] edges = Drift.edges(train, "score");
    assertEquals(9, edges.length);
    double[] expected = Drift.shares(train, "score", edges);
    for (double s : expected) {
      assertEquals(0.1, s, 0.01);
    }
    double same = Drift.psi(expected, Drift.shares(normalScores(2, 1.0, 0.0), "score", edges));
    double shifted = Drift.psi(expected, Drift.shares(normalScores(3, 3.0, 1.0), "score", edges));
    assertTrue(same < 0.01, "same distribution PSI " + same);
    assertTrue(shifted > 0.2, "shifted distribution PSI " + shifted);
  }

  @Test
  void givenHandComputedShares_whenPsi_thenFormula() {
    double psi = Drift.psi(new double[] {0.5, 0.5}, new double[] {0.25, 0.75});
    assertEquals((0.25 - 0.5) * Math.log(0.5) + (0.75 - 0.5) * Math.log(1.5), psi, 1e-12);
    assertTrue(Double.isNaN(Drift.psi(new double[] {0.5, 0.5}, new double[] {0, 0})));
  }
}
