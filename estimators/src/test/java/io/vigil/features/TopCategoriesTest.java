package io.vigil.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopCategoriesTest extends SparkTestBase {

  @TempDir
  Path dir;

  /** Merchant m0 appears 50 times, m1 40, m2 30, then 20 merchants once each; a low-cardinality device. */
  private static Dataset<Row> rows() {
    List<Row> rows = new ArrayList<>();
    int[] counts = {50, 40, 30};
    for (int m = 0; m < counts.length; m++) {
      for (int i = 0; i < counts[m]; i++) {
        rows.add(RowFactory.create("m" + m, i % 2 == 0 ? "pos" : "web", (double) i));
      }
    }
    for (int m = 0; m < 20; m++) {
      rows.add(RowFactory.create("rare" + m, "pos", 1.0));
    }
    StructType schema = new StructType().add("merchant", DataTypes.StringType).add("device", DataTypes.StringType)
        .add("amount", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void givenAHighCardinalityColumn_whenCapped_thenItKeepsTheMostFrequentAndCountsTheRest() {
    TopCategories.TopCategoriesModel model = new TopCategories().setInputCols("merchant", "device")
        .setMaxCategories(2).fit(rows());
    assertEquals(List.of("m0", "m1"), model.keptValues().get("merchant"));
    assertEquals(List.of("pos", "web"), model.keptValues().get("device"));
    Dataset<Row> capped = model.transform(rows());
    assertEquals(30 + 20, capped.where("_vigil_top_merchant = '" + TopCategories.OTHER + "'").count());
    assertEquals("m2", capped.where("_vigil_top_merchant = '" + TopCategories.OTHER + "'").first().getString(0),
        "the input column itself is left as it was");
    Map<String, Long> other = model.otherCounts(rows());
    assertEquals(50L, other.get("merchant"));
    assertEquals(0L, other.get("device"));
  }

  @Test
  void givenFeaturePipelineWithACap_whenFitSavedAndLoaded_thenTheWidthIsCappedAndScoresKeep() throws Exception {
    List<PipelineStage> stages = new FeaturePipeline(List.of("amount"), List.of("merchant", "device"), List.of(),
        FeaturePipeline.NONE, "features", 2).stages();
    PipelineModel fitted = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(rows());
    // amount + merchant (2 kept + other... as the indexer's labels: m0, m1, other; + unknown) + device (2 + unknown)
    int width = ((org.apache.spark.ml.linalg.Vector) fitted.transform(rows()).select("features").first().get(0)).size();
    assertEquals(1 + 4 + 3, width);
    String path = dir.resolve("features").toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(fitted.transform(rows()).select("features").collectAsList(),
        loaded.transform(rows()).select("features").collectAsList());
    int uncapped = ((org.apache.spark.ml.linalg.Vector) new Pipeline().setStages(new FeaturePipeline(List.of("amount"),
        List.of("merchant", "device"), List.of(), FeaturePipeline.NONE, "features", 0).stages()
        .toArray(new PipelineStage[0])).fit(rows()).transform(rows()).select("features").first().get(0)).size();
    assertTrue(uncapped == 1 + 24 + 3, "without a cap every merchant gets a slot: " + uncapped);
  }
}
