package io.vigil.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  static SequenceDetector small() {
    return new SequenceDetector().setHiddenSize(8).setEpochs(12).setBatchSize(32).setLearningRate(0.01);
  }

  @Test
  void givenLowRankData_whenEachRowIsReadAsASequenceOnTwoWorkers_thenOffSubspaceRowsScoreHigher() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 400, 0, 5, 1, 21);
    SequenceModel model = small().setNumWorkers(2).fit(train);
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 200, 20, 5, 1, 21)));
    System.out.println("seq2seq synthetic AUC " + auc);
    assertTrue(auc > 0.9, "AUC " + auc);
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScoresAndExplanations() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 200, 10, 4, 1, 5);
    SequenceModel model = small().setEpochs(2).setNumWorkers(2).setExplainTopK(2).fit(train);
    String path = dir.resolve("seq2seq").toString();
    model.write().save(path);
    SequenceModel loaded = SequenceModel.load(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
    // The per-step squared errors average to the score, as the autoencoder's do.
    List<Row> rows = loaded.transform(train).select("score", "score_contributions", "score_top_features")
        .limit(20).collectAsList();
    for (Row r : rows) {
      List<Double> contributions = r.getList(1);
      assertEquals(r.getDouble(0), contributions.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
          1e-5);
      assertEquals(2, r.getList(2).size());
    }
  }

  @Test
  void givenDl4jSparkTrainerOrABadWidth_whenSet_thenRefusedWithAClearMessage() {
    SequenceDetector d = small().setEpochs(1).setTrainer("dl4j-spark");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.fit(SyntheticData.lowRank(spark, 50, 0, 4, 1, 1)));
    assertTrue(e.getMessage().contains("trainer 'vigil'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SequenceDetector().setHiddenSize(0));
  }
}
