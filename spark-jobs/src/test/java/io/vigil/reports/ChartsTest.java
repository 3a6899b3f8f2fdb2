package io.vigil.reports;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.eval.EvaluationSummary;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import org.junit.jupiter.api.Test;

class ChartsTest extends SparkTestBase {

  @Test
  void givenSummary_whenDrawn_thenBothPngsHaveContent() {
    EvaluationSummary s = AnomalyEvaluator.summarize(SyntheticData.scores(spark,
        new double[] {0.1, 0.9, 0.8, 0.7, 0.2, 0.6}, new int[] {0, 1, 1, 1, 0, 0}, 2), "score", "label", 0.5, 10, 5);
    byte[] histogram = Charts.histogramPng(s, "t");
    byte[] curves = Charts.curvesPng(s, "t");
    assertTrue(histogram.length > 1000 && histogram[1] == 'P' && histogram[2] == 'N' && histogram[3] == 'G');
    assertTrue(curves.length > 1000 && curves[1] == 'P');
  }
}
