package io.vigil.ecod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class EcodDetectorTest extends SparkTestBase {

  private static Dataset<Row> rows(List<double[]> values) {
    List<Row> rows = new ArrayList<>();
    for (double[] v : values) {
      rows.add(RowFactory.create(Vectors.dense(v)));
    }
    return spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType(), false))
        .repartition(3);
  }

  /** PyOD's ECOD term of one feature with the exact empirical distribution of {@code train}. */
  private static double exactTerm(double[] train, double x, double skewSign) {
    long below = Arrays.stream(train).filter(v -> v <= x).count();
    long above = Arrays.stream(train).filter(v -> v >= x).count();
    double floor = 1.0 / (train.length + 1);
    double left = -Math.log(Math.max((double) below / train.length, floor));
    double right = -Math.log(Math.max((double) above / train.length, floor));
    double skewed = skewSign < 0 ? left : skewSign > 0 ? right : left + right;
    return Math.max(skewed, Math.max(left, right));
  }

  @Test
  void givenSkewedAndDiscreteFeatures_whenScored_thenTheTermsAreThoseOfTheExactDistributionWithinTheGrid() {
    Random rnd = new Random(11);
    int n = 2000;
    double[] exponential = new double[n];
    double[] binary = new double[n];
    List<double[]> train = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      exponential[i] = -Math.log(1 - rnd.nextDouble()); // right-skewed
      binary[i] = rnd.nextDouble() < 0.9 ? 0 : 1;
      train.add(new double[] {exponential[i], binary[i]});
    }
    EcodModel model = new EcodDetector().fit(rows(train));
    EcodScorer scorer = new EcodScorer(quantilesOf(model), new double[] {1, 1}, n);
    for (double x : new double[] {0.001, 0.05, 0.5, 1.0, 2.0, 4.0, 6.5, 20.0}) {
      double exact = exactTerm(exponential, x, 1);
      double[] terms = scorer.terms(new double[] {x, 0});
      // the grid resolves tail probabilities to 0.001 in the body, to about a row in the tails
      assertEquals(Math.exp(-exact), Math.exp(-terms[0]), 0.001 + 1.0 / n, "x = " + x);
    }
    for (double b : new double[] {0, 1}) {
      assertEquals(exactTerm(binary, b, 1), scorer.terms(new double[] {1.0, b})[1], 0.02, "binary " + b);
    }
    // a value beyond the training range is as rare as one row more could be, on either side
    assertEquals(Math.log(n + 1), scorer.terms(new double[] {-1.0, 0})[0], 1e-9);
  }

  @Test
  void givenOutliers_whenFit_thenTheyScoreHigher_andTheShiftedFeatureExplainsThem() {
    // ECOD sums every feature's tail term, so the normal rows' sum grows noisier with the width: 3 features
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 2000, 0, 3, 6, 3);
    Dataset<Row> test = SyntheticData.gaussianWithOutliers(spark, 500, 50, 3, 6, 4);
    EcodModel model = new EcodDetector().setExplainTopK(1).setContamination(0.02).fit(train);
    Dataset<Row> scored = model.transform(test);
    double auc = new io.vigil.eval.AnomalyEvaluator().evaluate(scored);
    assertTrue(auc > 0.97, "AUC " + auc);
    assertTrue(SyntheticData.shareNamingTheShiftedFeature(scored) > 0.95);
    for (Row r : scored.select("features", "score", "score_contributions").collectAsList()) {
      List<Double> terms = r.getList(2);
      assertEquals(r.getDouble(1), terms.stream().mapToDouble(Double::doubleValue).sum(), 1e-9,
          "the terms sum to the score");
    }
    assertEquals(0.02, (Double) model.getOrDefault(model.trainShareFlagged()), 0.005);
  }

  @Test
  void givenTheSameRows_whenFitTwiceOnDifferentPartitions_thenTheSameScores() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 3000, 0, 4, 6, 9);
    double[] a = orderedScores(new EcodDetector().fit(train).transform(train));
    double[] b = orderedScores(new EcodDetector().fit(train.repartition(5)).transform(train));
    assertArrayEquals(a, b, 1e-12);
  }

  private static double[][] quantilesOf(EcodModel model) {
    try {
      java.lang.reflect.Field f = EcodModel.class.getDeclaredField("scorer");
      f.setAccessible(true);
      return ((EcodScorer) f.get(model)).quantiles();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
