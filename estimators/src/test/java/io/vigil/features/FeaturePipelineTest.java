package io.vigil.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FeaturePipelineTest extends SparkTestBase {

  private static final StructType SCHEMA = new StructType().add("x", DataTypes.DoubleType)
      .add("proto", DataTypes.StringType, true);

  private static PipelineModel fit(FeaturePipeline fp, Dataset<Row> train) {
    return new Pipeline().setStages(fp.stages().toArray(new PipelineStage[0])).fit(train);
  }

  private static Dataset<Row> rows(Object[]... rows) {
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(r -> RowFactory.create(r)).toList(), SCHEMA);
  }

  @Test
  void givenUnseenAndNullCategories_whenTransformed_thenTheyShareTheKeptUnknownSlot() {
    Dataset<Row> train = rows(new Object[] {1.0, "tcp"}, new Object[] {2.0, "udp"}, new Object[] {3.0, "tcp"});
    PipelineModel m = fit(new FeaturePipeline(List.of("x"), List.of("proto"), List.of(), FeaturePipeline.NONE,
        "features"), train);
    List<Row> out = m.transform(rows(new Object[] {1.0, "sctp"}, new Object[] {1.0, null}, new Object[] {1.0, "udp"}))
        .select("features").collectAsList();
    // x, then tcp, udp, unknown
    Vector unseen = out.get(0).getAs(0);
    Vector nullCategory = out.get(1).getAs(0);
    Vector udp = out.get(2).getAs(0);
    assertEquals(4, unseen.size());
    assertEquals(1.0, unseen.apply(3));
    assertEquals(1.0, nullCategory.apply(3));
    assertEquals(0.0, udp.apply(3));
    assertEquals(1.0, udp.apply(2));
  }

  @Test
  void givenMinMaxScaler_whenFitOnTrainOnly_thenTestValuesBeyondTheTrainingRangeExceedOne() {
    Dataset<Row> train = rows(new Object[] {0.0, "a"}, new Object[] {10.0, "a"});
    PipelineModel m = fit(new FeaturePipeline(List.of("x"), List.of(), List.of(), FeaturePipeline.MINMAX,
        "features"), train);
    Vector v = m.transform(rows(new Object[] {20.0, "a"})).select("features").first().getAs(0);
    assertEquals(2.0, v.apply(0), 1e-12);
  }

  @Test
  void givenLog1pColumn_whenTransformed_thenThatFeatureIsLogScaled() {
    Dataset<Row> train = rows(new Object[] {Math.E - 1, "a"});
    PipelineModel m = fit(new FeaturePipeline(List.of("x"), List.of(), List.of("x"), FeaturePipeline.NONE,
        "features"), train);
    Vector v = m.transform(train).select("features").first().getAs(0);
    assertEquals(1.0, v.apply(0), 1e-12);
  }

  @Test
  void givenBadSpecs_whenBuilt_thenErrorsNameTheColumn() {
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline(
        List.of("x", "x"), List.of(), List.of(), FeaturePipeline.STANDARD, "features"));
    assertTrue(twice.getMessage().contains("'x' is named twice"), twice.getMessage());
    IllegalArgumentException log = assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline(
        List.of("x"), List.of(), List.of("y"), FeaturePipeline.STANDARD, "features"));
    assertTrue(log.getMessage().contains("log1p column 'y'"), log.getMessage());
    IllegalArgumentException scaler = assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline(
        List.of("x"), List.of(), List.of(), "robust", "features"));
    assertTrue(scaler.getMessage().contains("got 'robust'"), scaler.getMessage());
  }
}
