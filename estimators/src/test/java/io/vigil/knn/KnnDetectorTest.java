package io.vigil.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.util.Arrays;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class KnnDetectorTest extends SparkTestBase {

  /** The k smallest Euclidean distances from x to the rows of reference, by brute force in double. */
  private static double[] nearest(float[] reference, int rows, int width, float[] x, int k) {
    double[] d = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < width; j++) {
        double diff = (double) x[j] - reference[r * width + j];
        s += diff * diff;
      }
      d[r] = Math.sqrt(s);
    }
    Arrays.sort(d);
    return Arrays.copyOf(d, k);
  }

  @Test
  void givenBatchesAcrossReferenceBlocks_whenScored_thenExactlyTheBruteForceKthAndMeanDistances() {
    Nd4jArrays.setUpTask();
    Random rnd = new Random(3);
    int rows = 2 * KnnScorer.BLOCK_ROWS + 17; // three blocks, the last one partial
    int width = 7;
    float[] reference = new float[rows * width];
    for (int i = 0; i < reference.length; i++) {
      reference[i] = (float) (rnd.nextGaussian() * 2);
    }
    // copies of a reference row among the scored rows: distance 0 to its nearest neighbour
    int n = 300;
    float[] x = new float[n * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextGaussian() * (i < 100 * width ? 1 : 5));
    }
    System.arraycopy(reference, 5 * width, x, 0, width);
    KnnScorer scorer = KnnScorer.fromBytes(KnnScorer.toBytes(reference, rows, width));
    BatchScoring.Scores largest = scorer.score(Nd4jArrays.matrix(x, n, width), 5, false, false, true);
    BatchScoring.Scores mean = scorer.score(Nd4jArrays.matrix(x, n, width), 5, true, false, false);
    BatchScoring.Scores withoutNearest = scorer.score(Nd4jArrays.matrix(x, n, width), 5, false, true, false);
    for (int i = 0; i < n; i++) {
      float[] row = Arrays.copyOfRange(x, i * width, (i + 1) * width);
      double[] six = nearest(reference, rows, width, row, 6);
      assertEquals(six[4], largest.scores()[i], 1e-9, "row " + i);
      assertEquals(Arrays.stream(six, 0, 5).average().orElseThrow(), mean.scores()[i], 1e-9, "row " + i);
      assertEquals(six[5], withoutNearest.scores()[i], 1e-9, "row " + i);
    }
    assertEquals(0.0, nearest(reference, rows, width, Arrays.copyOf(x, width), 1)[0], 0.0);
    assertEquals(n * width, largest.contributions().length);
    for (float c : largest.contributions()) {
      assertTrue(c >= 0);
    }
  }

  /**
   * One-hot and mostly-zero columns go through the sparse-column products ({@link io.vigil.dl4j.SparseColumns}):
   * the same exact distances, for rows in the reference's categories and for rows outside them.
   */
  @Test
  void givenOneHotColumns_whenScored_thenExactlyTheBruteForceKthDistance() {
    Nd4jArrays.setUpTask();
    Random rnd = new Random(4);
    int rows = KnnScorer.BLOCK_ROWS + 300;
    int width = 8; // 2 gaussian, a count that is mostly 0, a one-hot block of 5
    float[] reference = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      reference[r * width] = (float) rnd.nextGaussian();
      reference[r * width + 1] = (float) rnd.nextGaussian();
      reference[r * width + 2] = rnd.nextDouble() < 0.05 ? (float) rnd.nextInt(5) : 0f;
      reference[r * width + 3 + (rnd.nextDouble() < 0.85 ? 0 : 1 + rnd.nextInt(3))] = 1f;
    }
    int n = KnnScorer.CHUNK_ROWS + 50;
    float[] x = new float[n * width];
    for (int i = 0; i < n; i++) {
      x[i * width] = (float) rnd.nextGaussian();
      x[i * width + 1] = (float) rnd.nextGaussian();
      x[i * width + 2] = i % 3 == 0 ? (float) rnd.nextInt(5) : 0f;
      x[i * width + 3 + i % 5] = 1f; // slot 4 is a category no reference row has
    }
    KnnScorer scorer = KnnScorer.fromBytes(KnnScorer.toBytes(reference, rows, width));
    BatchScoring.Scores largest = scorer.score(x, n, 5, false, false, false);
    for (int i = 0; i < n; i++) {
      double[] five = nearest(reference, rows, width, Arrays.copyOfRange(x, i * width, (i + 1) * width), 5);
      assertEquals(five[4], largest.scores()[i], 1e-9, "row " + i);
    }
  }

  @Test
  void givenOutliers_whenFit_thenTheyScoreHigher_andEachTrainingRowIsScoredWithoutItself() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 800, 0, 4, 6, 4);
    Dataset<Row> test = SyntheticData.gaussianWithOutliers(spark, 400, 40, 4, 6, 5);
    KnnModel model = new KnnDetector().setContamination(0.05).fit(train);
    assertEquals(800, model.getNumReference());
    double auc = new io.vigil.eval.AnomalyEvaluator().evaluate(model.transform(test));
    assertTrue(auc > 0.95, "AUC " + auc);
    // In-sample scores would count each row as its own nearest neighbour and sit below fresh rows' scores;
    // scored without itself, the training share flagged is the contamination.
    assertEquals(0.05, (Double) model.getOrDefault(model.trainShareFlagged()), 0.01);
    double[] ownScores = orderedScores(model.transform(train));
    assertTrue(Arrays.stream(ownScores).allMatch(s -> s > 0));
  }

  @Test
  void givenMoreTrainingRowsThanMaxReference_whenFit_thenASeededSampleOfThatSizeIsKept() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1500, 0, 3, 6, 8);
    KnnModel a = new KnnDetector().setMaxReference(500).fit(train);
    KnnModel b = new KnnDetector().setMaxReference(500).fit(train);
    assertEquals(500, a.getNumReference());
    assertEquals(1500, a.getNumTrainingRows());
    assertTrue(Arrays.equals(orderedScores(a.transform(train)), orderedScores(b.transform(train))));
  }

  @Test
  void givenExplanations_whenScored_thenTheShiftedFeatureIsNamed() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 1000, 0, 5, 6, 6);
    Dataset<Row> test = SyntheticData.gaussianWithOutliers(spark, 200, 50, 5, 8, 7);
    KnnModel model = new KnnDetector().setExplainTopK(1).fit(train);
    double named = SyntheticData.shareNamingTheShiftedFeature(model.transform(test));
    assertTrue(named > 0.9, "share of outliers explained by their shifted feature: " + named);
  }

  @Test
  void givenNoMoreRowsThanK_whenFit_thenAnErrorNamingK() {
    Dataset<Row> five = SyntheticData.gaussianWithOutliers(spark, 5, 0, 3, 6, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KnnDetector().fit(five));
    assertTrue(e.getMessage().contains("k = 5"), e.getMessage());
  }

  @Test
  void givenOneScoredRow_whenScoredThroughTheModel_thenItsDistanceIsThatOfTheVectors() {
    Dataset<Row> train = SyntheticData.gaussianWithOutliers(spark, 300, 0, 3, 6, 2);
    KnnModel model = new KnnDetector().setK(1).fit(train);
    Row first = train.first();
    double score = model.transform(train.limit(1)).first().getAs("score");
    double[] x = ((Vector) first.getAs("features")).toArray();
    double best = Double.POSITIVE_INFINITY;
    for (Row r : train.collectAsList()) {
      double[] y = ((Vector) r.getAs("features")).toArray();
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += (x[j] - y[j]) * (x[j] - y[j]);
      }
      best = Math.min(best, Math.sqrt(s));
    }
    assertEquals(best, score, 1e-5, "the row itself is in the reference set: distance ~0");
  }
}
