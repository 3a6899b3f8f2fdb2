package io.vigil.dl4j;

import io.vigil.persist.ModelPersistence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import io.vigil.core.DetectorParams;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.ml.param.Params;

/**
 * Models holding a DL4J network: metadata JSON + {@code data/net.zip} (DL4J's own format: configuration
 * JSON and parameter arrays, no Java serialisation), sealed with checksums like every Vigil model.
 */
public final class NetworkPersistence {

  public static final String NETWORK_FILE = "net.zip";

  /** Builds a model from its saved parts (uid, network bytes, width). */
  @FunctionalInterface
  public interface Factory<M> {
    M create(String uid, byte[] network, int numFeatures);
  }

  private NetworkPersistence() {}

  /** The MLWriter of a network model: metadata + data/net.zip, sealed. */
  public static MLWriter writer(DetectorParams model, byte[] network) {
    return new ModelPersistence.SealedWriter(model, Map.of(), (path, spark) -> {
      Path file = new Path(ModelPersistence.dataPath(path), NETWORK_FILE);
      try (OutputStream out = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, false)) {
        out.write(network);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    });
  }

  /** The MLReader of a network model class: checks, restores the network bytes and the params. */
  public static <M extends Params> MLReader<M> reader(Class<M> modelClass, Factory<M> factory) {
    return ModelPersistence.reader(modelClass, (metadata, path, spark) -> {
      Path file = new Path(ModelPersistence.dataPath(path), NETWORK_FILE);
      byte[] bytes;
      try (InputStream in = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(file)) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        bytes = buf.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
      return factory.create(metadata.uid(), bytes, ModelPersistence.numFeatures(metadata, path));
    });
  }
}
