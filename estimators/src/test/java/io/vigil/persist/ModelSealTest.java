package io.vigil.persist;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.autoencoder.AutoencoderDetector;
import io.vigil.autoencoder.AutoencoderModel;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.iforest.IsolationForestModel;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.ocsvm.OneClassSvmModel;
import io.vigil.pca.PcaDetector;
import io.vigil.pca.PcaModel;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every detector's saved model is sealed with checksums: tampering is refused before use. */
class ModelSealTest extends SparkTestBase {

  @TempDir
  Path dir;

  private static final Dataset<Row> DATA = SyntheticData.lowRank(session(), 200, 0, 4, 2, 1);

  private record Case(String name, MLWritable model, Function<String, ?> loader) {}

  private List<Case> cases() {
    return List.of(
        new Case("pca", new PcaDetector().setK(2).fit(DATA), PcaModel::load),
        new Case("iforest", new IsolationForestDetector().setNumEstimators(5).fit(DATA), IsolationForestModel::load),
        new Case("ocsvm", new OneClassSvmDetector().setMaxRowsPerModel(50).fit(DATA), OneClassSvmModel::load),
        new Case("ae", new AutoencoderDetector().setHiddenLayers("3").setEpochs(1).fit(DATA), AutoencoderModel::load));
  }

  @Test
  void givenAFlippedByteInTheModelData_whenLoaded_thenRefusedNamingTheFile() throws IOException {
    for (Case c : cases()) {
      Path path = dir.resolve(c.name() + "-flip");
      c.model().write().save(path.toString());
      Path data = parquetFile(path.resolve("data"));
      try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
        f.seek(f.length() / 2);
        int b = f.read();
        f.seek(f.length() / 2);
        f.write(b ^ 0x01);
      }
      Files.deleteIfExists(data.resolveSibling("." + data.getFileName() + ".crc"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.loader().apply(path.toString()));
      assertTrue(e.getMessage().contains(data.getFileName().toString()) && e.getMessage().contains("fails its SHA-256"),
          c.name() + ": " + e.getMessage());
    }
  }

  @Test
  void givenAMissingModelFile_whenLoaded_thenRefusedNamingTheFile() throws IOException {
    for (Case c : cases()) {
      Path path = dir.resolve(c.name() + "-missing");
      c.model().write().save(path.toString());
      Path data = parquetFile(path.resolve("data"));
      Files.delete(data);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.loader().apply(path.toString()));
      assertTrue(e.getMessage().contains("is missing"), c.name() + ": " + e.getMessage());
    }
  }

  @Test
  void givenEditedMetadata_whenLoaded_thenRefused() throws IOException {
    Path path = dir.resolve("pca-edited");
    new PcaDetector().setK(2).fit(DATA).write().save(path.toString());
    Path metadata = path.resolve("metadata/part-00000");
    Files.writeString(metadata, Files.readString(metadata).replace("\"k\":2", "\"k\":1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcaModel.load(path.toString()));
    assertTrue(e.getMessage().contains("metadata/part-00000 fails its SHA-256"), e.getMessage());
    // And without Hadoop's .crc side file (an edit that bypassed Hadoop), our own seal still refuses it.
    Files.deleteIfExists(path.resolve("metadata/.part-00000.crc"));
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> PcaModel.load(path.toString()));
    assertTrue(e2.getMessage().contains("metadata/part-00000 fails its SHA-256"), e2.getMessage());
  }

  /** The model's data file: a Parquet part, or DL4J's net.zip. */
  private static Path parquetFile(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
          || p.getFileName().toString().equals("net.zip")).findFirst().orElseThrow();
    }
  }
}
