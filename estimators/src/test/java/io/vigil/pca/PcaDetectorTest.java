package io.vigil.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.SharedParams;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PcaDetectorTest extends SparkTestBase {

  @Test
  void givenLowRankData_whenFitWithDefaultVariance_thenKeepsTheTrueRankAndRanksAnomaliesFirst() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 0, 10, 3, 11);
    Dataset<Row> test = SyntheticData.lowRank(spark, 1000, 50, 10, 3, 11);
    for (String mode : List.of(PcaParams.RECONSTRUCTION, PcaParams.RECONSTRUCTION_PLUS_MAHALANOBIS)) {
      PcaModel model = new PcaDetector().setScoreMode(mode).fit(train);
      assertEquals(3, model.numComponents(), mode);
      double auc = new AnomalyEvaluator().evaluate(model.transform(test));
      assertTrue(auc > 0.99, mode + " AUC " + auc);
    }
  }

  @Test
  void givenContaminationStrategy_whenFit_thenAboutThatShareOfTrainingRowsIsFlagged() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 3000, 0, 8, 2, 5);
    PcaModel model = new PcaDetector().setK(2).setContamination(0.05).fit(train);
    assertEquals(SharedParams.CONTAMINATION, model.getThresholdStrategy());
    assertEquals(3000, model.getNumTrainingRows());
    assertEquals(8, model.getNumFeatures());
    long flagged = model.transform(train).filter("prediction = 1.0").count();
    assertEquals(150, flagged, 10);
  }

  @Test
  void givenSameSeedDataAndPartitions_whenFitTwice_thenScoresAreIdentical() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 500, 20, 6, 2, 3);
    double[] a = scores(new PcaDetector().fit(train).transform(train));
    double[] b = scores(new PcaDetector().fit(train).transform(train));
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void givenInvalidParams_whenSet_thenRejected() {
    PcaDetector d = new PcaDetector();
    assertThrows(IllegalArgumentException.class, () -> d.setK(-1));
    assertThrows(IllegalArgumentException.class, () -> d.setVarianceExplained(1.5));
    assertThrows(IllegalArgumentException.class, () -> d.setScoreMode("mahalanobisOnly"));
    assertThrows(IllegalArgumentException.class, () -> d.setContamination(0.9));
    assertThrows(IllegalArgumentException.class, () -> d.setThresholdStrategy("median"));
    assertTrue(d.varianceExplained().doc().contains("(0, 1]"));
  }

  @Test
  void givenMissingFeaturesColumn_whenFit_thenErrorNamesColumnAndWhatToDo() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 10, 0, 3, 1, 1).withColumnRenamed("features", "f");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcaDetector().fit(train));
    assertTrue(e.getMessage().contains("Column 'features' not found in [f, label]"), e.getMessage());
    assertTrue(e.getMessage().contains("featuresCol"), e.getMessage());
  }

  @Test
  void givenNonVectorFeatures_whenFit_thenErrorNamesColumnAndType() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 10, 0, 3, 1, 1).withColumn("features",
        org.apache.spark.sql.functions.lit(1.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcaDetector().fit(train));
    assertTrue(e.getMessage().contains("Column 'features' must be of type Vector but is double"), e.getMessage());
  }

  @Test
  void givenEmptyTrainingData_whenFit_thenErrorSaysEmpty() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 10, 0, 3, 1, 1).limit(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcaDetector().fit(train));
    assertTrue(e.getMessage().contains("empty dataset (0 rows in column 'features')"), e.getMessage());
  }

  @Test
  void givenVectorsOfAnotherWidth_whenScored_thenErrorNamesColumnAndBothSizes() {
    PcaModel model = new PcaDetector().setK(1).fit(SyntheticData.lowRank(spark, 50, 0, 4, 1, 1));
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
    Dataset<Row> wide = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3, 4, 5))), schema);
    Exception e = assertThrows(Exception.class, () -> model.transform(wide).collectAsList());
    String msg = rootMessage(e);
    assertTrue(msg.contains("'features' has a vector of size 5 but the model was fit on 4 features"), msg);
  }

  @Test
  void givenEmptyScoringInput_whenTransformed_thenZeroRowsWithScoreColumns() {
    PcaModel model = new PcaDetector().setK(1).fit(SyntheticData.lowRank(spark, 50, 0, 4, 1, 1));
    Dataset<Row> out = model.transform(SyntheticData.lowRank(spark, 5, 0, 4, 1, 1).limit(0));
    assertEquals(0, out.count());
    assertEquals(DataTypes.DoubleType, out.schema().apply("score").dataType());
    assertEquals(DataTypes.DoubleType, out.schema().apply("prediction").dataType());
  }

  @Test
  void givenFixedStrategyWithoutThreshold_whenFit_thenErrorSaysToSetIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcaDetector()
        .setThresholdStrategy(SharedParams.FIXED).fit(SyntheticData.lowRank(spark, 20, 0, 3, 1, 1)));
    assertTrue(e.getMessage().contains("threshold is not set"), e.getMessage());
  }

  static double[] scores(Dataset<Row> scored) {
    return scored.select("score").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
