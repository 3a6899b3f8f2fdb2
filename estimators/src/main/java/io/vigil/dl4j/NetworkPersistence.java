package io.vigil.dl4j;

import io.vigil.persist.ModelPersistence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;

/**
 * Models holding a DL4J network: metadata JSON + {@code data/net.zip} (DL4J's own format: configuration
 * JSON and parameter arrays, no Java serialisation), sealed with checksums like every Vigil model.
 */
public final class NetworkPersistence {

  public static final String NETWORK_FILE = "net.zip";

  /** A loaded network model's parts. */
  public record Loaded(DefaultParamsReader.Metadata metadata, byte[] network, int numFeatures) {}

  /** Builds a model from its saved parts (uid, network bytes, width). */
  @FunctionalInterface
  public interface Factory<M> {
    M create(String uid, byte[] network, int numFeatures);
  }

  private NetworkPersistence() {}

  /** The MLWriter of a network model: metadata (with the detector name) + data/net.zip, sealed. */
  public static org.apache.spark.ml.util.MLWriter writer(Params model, byte[] network, String detector) {
    return new org.apache.spark.ml.util.MLWriter() {
      @Override
      public void saveImpl(String path) {
        NetworkPersistence.save(model, network, path, sc(), Map.of("detector", detector));
      }
    };
  }

  /** The MLReader of a network model class: checks, restores the network bytes and the params. */
  public static <M extends Params> org.apache.spark.ml.util.MLReader<M> reader(Class<M> modelClass,
      Factory<M> factory) {
    return new org.apache.spark.ml.util.MLReader<M>() {
      @Override
      public M load(String path) {
        Loaded loaded = NetworkPersistence.load(path, sc(), modelClass);
        M model = factory.create(loaded.metadata().uid(), loaded.network(), loaded.numFeatures());
        ModelPersistence.setParams(loaded.metadata(), model);
        return model;
      }
    };
  }

  public static void save(Params model, byte[] network, String path, SparkContext sc, Map<String, ?> extra) {
    ModelPersistence.saveMetadata(model, path, sc, extra);
    Path file = new Path(ModelPersistence.dataPath(path), NETWORK_FILE);
    try (OutputStream out = file.getFileSystem(sc.hadoopConfiguration()).create(file, false)) {
      out.write(network);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    ModelPersistence.writeChecksums(path, sc);
  }

  public static Loaded load(String path, SparkContext sc, Class<?> modelClass) {
    DefaultParamsReader.Metadata metadata = ModelPersistence.loadMetadata(path, sc, modelClass);
    Path file = new Path(ModelPersistence.dataPath(path), NETWORK_FILE);
    byte[] bytes;
    try (InputStream in = file.getFileSystem(sc.hadoopConfiguration()).open(file)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      bytes = buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return new Loaded(metadata, bytes, ModelPersistence.numFeatures(metadata, path));
  }
}
