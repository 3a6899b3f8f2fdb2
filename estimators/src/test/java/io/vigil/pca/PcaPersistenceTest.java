package io.vigil.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.features.FeaturePipeline;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcaPersistenceTest extends SparkTestBase {

  @TempDir
  Path dir;

  @Test
  void givenFittedModel_whenSavedAndLoaded_thenParamsAndScoresAreIdentical() throws IOException {
    Dataset<Row> data = SyntheticData.lowRank(spark, 300, 15, 6, 2, 9);
    PcaModel model = new PcaDetector().setScoreMode(PcaParams.RECONSTRUCTION_PLUS_MAHALANOBIS)
        .setContamination(0.02).fit(data);
    String path = dir.resolve("pca").toString();
    model.write().save(path);
    PcaModel loaded = PcaModel.load(path);
    assertEquals(model.uid(), loaded.uid());
    for (ParamPair<?> p : model.extractParamMap().toList()) {
      Object after = loaded.getOrDefault(loaded.getParam(p.param().name()));
      if (p.value() instanceof String[] names) {
        assertArrayEquals(names, (String[]) after, p.param().name());
      } else if (p.value() instanceof double[] values) {
        assertArrayEquals(values, (double[]) after, 0.0, p.param().name());
      } else {
        assertEquals(p.value(), after, p.param().name());
      }
    }
    assertArrayEquals(PcaDetectorTest.scores(model.transform(data)), PcaDetectorTest.scores(loaded.transform(data)), 0.0);
    String metadata = Files.readString(dir.resolve("pca/metadata/part-00000"), StandardCharsets.UTF_8);
    assertTrue(metadata.contains("\"vigilFormat\":" + io.vigil.persist.ModelPersistence.FORMAT_VERSION), metadata);
  }

  @Test
  void givenPipelineWithFeaturePrep_whenSavedAndLoaded_thenScoresAreIdentical() throws IOException {
    Dataset<Row> data = table(List.of(RowFactory.create(1.0, 10.0, "tcp"), RowFactory.create(2.0, 12.0, "udp"),
        RowFactory.create(3.0, 13.0, "tcp"), RowFactory.create(4.0, 19.0, "icmp"), RowFactory.create(5.0, 21.0, "tcp")));
    List<PipelineStage> stages = new ArrayList<>(new FeaturePipeline(List.of("a", "b"), List.of("proto"), List.of("b"),
        FeaturePipeline.STANDARD, "features").stages());
    stages.add(new PcaDetector().setK(1));
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(data);
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    Dataset<Row> unseen = table(List.of(RowFactory.create(2.5, 11.0, "sctp"), RowFactory.create(1.0, 10.0, "tcp")));
    assertArrayEquals(PcaDetectorTest.scores(model.transform(unseen)), PcaDetectorTest.scores(loaded.transform(unseen)), 0.0);
  }

  @Test
  void givenModelOfAnotherClass_whenLoadedAsPca_thenErrorNamesBothClasses() throws IOException {
    String path = dir.resolve("detector").toString();
    new PcaDetector().write().save(path);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaModel.load(path));
    assertTrue(e.getMessage().contains("saved by io.vigil.pca.PcaDetector, not io.vigil.pca.PcaModel"), e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 99})
  void givenOlderOrNewerFormatVersion_whenLoaded_thenRefusedSayingToRetrain(int format) throws IOException {
    String path = dir.resolve("format-" + format).toString();
    new PcaDetector().setK(1).fit(SyntheticData.lowRank(spark, 30, 0, 3, 1, 1)).write().save(path);
    Path metadata = dir.resolve("format-" + format + "/metadata/part-00000");
    Files.writeString(metadata, Files.readString(metadata).replace(
        "\"vigilFormat\":" + io.vigil.persist.ModelPersistence.FORMAT_VERSION, "\"vigilFormat\":" + format));
    try (Stream<Path> crc = Files.list(dir.resolve("format-" + format + "/metadata"))) {
      crc.filter(p -> p.getFileName().toString().endsWith(".crc")).forEach(p -> p.toFile().delete());
    }
    // Re-seal, as a newer Vigil would have: the version check, not the checksum, must refuse it.
    io.vigil.persist.ModelPersistence.writeChecksums(path, spark.sparkContext());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaModel.load(path));
    assertTrue(e.getMessage().contains("vigilFormat " + format + "; this Vigil reads format "
        + io.vigil.persist.ModelPersistence.FORMAT_VERSION + " only"), e.getMessage());
    assertTrue(e.getMessage().contains("Retrain"), e.getMessage());
  }

  @Test
  void givenMissingModel_whenLoaded_thenErrorNamesPath() {
    String path = dir.resolve("nothing").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaModel.load(path));
    assertTrue(e.getMessage().contains("No Vigil model at " + path), e.getMessage());
  }

  private static Dataset<Row> table(List<Row> rows) {
    StructType s = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("proto", DataTypes.StringType);
    return spark.createDataFrame(rows, s);
  }
}
