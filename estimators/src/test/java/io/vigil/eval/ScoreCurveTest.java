package io.vigil.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ScoreCurveTest extends SparkTestBase {

  @Test
  void givenSmallExample_whenComputed_thenMatchesScikitLearn() {
    // sklearn: roc_auc_score([0,0,1,1], [.1,.4,.35,.8]) = 0.75; average_precision_score = 0.8333
    ScoreCurve c = ScoreCurve.compute(SyntheticData.scores(spark, new double[] {.1, .4, .35, .8},
        new int[] {0, 0, 1, 1}, 2), "score", "label", 10);
    assertEquals(0.75, c.rocAuc, 1e-12);
    assertEquals(0.8333333333, c.averagePrecision, 1e-9);
    assertEquals(2, c.positives);
    assertEquals(2, c.negatives);
  }

  @Test
  void givenTiedScores_whenComputed_thenTiesCountHalfAndBestF1IsAtTheTie() {
    // Positives {0.9, 0.5}, negatives {0.5, 0.2}: AUC = (1 + 1 + 0.5 + 1) / 4; AP = .5 * 1 + .5 * 2/3.
    ScoreCurve c = ScoreCurve.compute(SyntheticData.scores(spark, new double[] {.5, .5, .2, .9},
        new int[] {0, 1, 0, 1}, 3), "score", "label", 10);
    assertEquals(0.875, c.rocAuc, 1e-12);
    assertEquals(0.8333333333, c.averagePrecision, 1e-9);
    assertEquals(0.8, c.bestF1, 1e-12);
    assertEquals(0.5, c.bestF1Threshold, 0.0);
  }

  @Test
  void givenManyRowsOverPartitions_whenComputed_thenAucEqualsPairwiseCount() {
    Random rnd = new Random(7);
    int n = 3000;
    double[] s = new double[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.2 ? 1 : 0;
      // Rounded so that there are many ties across partitions.
      s[i] = Math.round((rnd.nextGaussian() + y[i]) * 20) / 20.0;
    }
    double pairs = 0;
    double wins = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    ScoreCurve c = ScoreCurve.compute(SyntheticData.scores(spark, s, y, 4), "score", "label", 50);
    assertEquals(wins / pairs, c.rocAuc, 1e-9);
    assertTrue(c.points.size() >= 20 && c.points.size() <= 60, "points: " + c.points.size());
  }

  @Test
  void givenNaNScores_whenComputed_thenErrorNamesColumnAndCount() {
    Dataset<Row> d = SyntheticData.scores(spark, new double[] {1, Double.NaN, 3, Double.NaN}, new int[] {0, 1, 0, 1}, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoreCurve.compute(d, "score", "label", 10));
    assertTrue(e.getMessage().contains("'score' has 2 of 4 rows"), e.getMessage());
  }

  @Test
  void givenLabelOutsideZeroOne_whenComputed_thenErrorNamesLabelColumn() {
    Dataset<Row> d = SyntheticData.scores(spark, new double[] {1, 2, 3}, new int[] {0, 2, 1}, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoreCurve.compute(d, "score", "label", 10));
    assertTrue(e.getMessage().contains("'label' has 1 of 3 rows that are not 0 or 1"), e.getMessage());
  }

  @Test
  void givenOneClass_whenSummarized_thenCountsWithoutRankingMetrics() {
    Dataset<Row> d = SyntheticData.scores(spark, new double[] {1, 2, 3}, new int[] {0, 0, 0}, 1);
    EvaluationSummary s = AnomalyEvaluator.summarize(d, "score", "label", 2.5, 10, 5);
    assertTrue(Double.isNaN(s.rocAuc()));
    assertEquals(1, s.falsePositives());
    assertEquals(2, s.trueNegatives());
    assertEquals(3, s.rows());
  }

  @Test
  void givenThreshold_whenSummarized_thenConfusionAndFScoresAreExact() {
    // Flagged (>= .5): .5(0) .6(1) .9(1); not flagged: .1(1) .2(0) .3(0). tp 2, fp 1, fn 1, tn 2.
    Dataset<Row> d = SyntheticData.scores(spark, new double[] {.5, .6, .9, .1, .2, .3},
        new int[] {0, 1, 1, 1, 0, 0}, 2);
    EvaluationSummary s = AnomalyEvaluator.summarize(d, "score", "label", 0.5, 10, 5);
    assertEquals(2, s.truePositives());
    assertEquals(1, s.falsePositives());
    assertEquals(1, s.falseNegatives());
    assertEquals(2, s.trueNegatives());
    assertEquals(2.0 / 3, s.precision(), 1e-12);
    assertEquals(2.0 / 3, s.recall(), 1e-12);
    assertEquals(2.0 / 3, s.f2(), 1e-12);
    assertEquals(4.0 / 6, s.accuracy(), 1e-12);
    long binned = 0;
    for (int i = 0; i < s.histogram().normalCounts().length; i++) {
      binned += s.histogram().normalCounts()[i] + s.histogram().anomalyCounts()[i];
    }
    assertEquals(6, binned);
  }

  @Test
  void givenEvaluator_whenUsedAsSparkEvaluator_thenReturnsChosenMetric() {
    Dataset<Row> d = SyntheticData.scores(spark, new double[] {.1, .4, .35, .8}, new int[] {0, 0, 1, 1}, 2);
    assertEquals(0.75, new AnomalyEvaluator().evaluate(d), 1e-12);
    assertEquals(0.8333333333, new AnomalyEvaluator().setMetricName(AnomalyEvaluator.PR_AUC).evaluate(d), 1e-9);
  }
}
