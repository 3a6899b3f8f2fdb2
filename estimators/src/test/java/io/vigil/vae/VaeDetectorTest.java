package io.vigil.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  static VaeDetector small() {
    return new VaeDetector().setEncoderLayers("8").setLatentSize(2).setEpochs(15).setBatchSize(64)
        .setLearningRate(0.01).setNumSamples(8);
  }

  @Test
  void givenDl4jSparkTrainer_whenFit_thenRefusedBecauseItCannotPretrain() {
    VaeDetector d = small().setEpochs(1);
    d.set(d.trainer(), "dl4j-spark");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> d.fit(SyntheticData.lowRank(spark, 100, 0, 4, 1, 1)));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("trainer 'vigil'"), e.getMessage());
  }

  @Test
  void givenLowRankData_whenTrainedByPretrainingOnTwoWorkers_thenOffSubspaceRowsScoreHigher() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 2000, 0, 8, 2, 51);
    VaeModel model = small().setNumWorkers(2).fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 800, 40, 8, 2, 51)));
    assertTrue(auc > 0.9, "AUC " + auc);
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScores() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 400, 10, 4, 2, 5);
    VaeModel model = small().setEpochs(2).fit(train);
    String path = dir.resolve("vae").toString();
    model.write().save(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(VaeModel.load(path).transform(train)), 0.0);
  }

  @Test
  void givenInvalidParams_whenSet_thenRejected() {
    VaeDetector d = new VaeDetector();
    assertThrows(IllegalArgumentException.class, () -> d.setNumSamples(0));
    assertThrows(IllegalArgumentException.class, () -> d.setEncoderLayers("a,b"));
    assertThrows(IllegalArgumentException.class, () -> d.setLatentSize(-1));
  }
}
