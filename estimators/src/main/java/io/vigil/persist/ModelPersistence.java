package io.vigil.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import io.vigil.core.DetectorParams;
import java.util.function.BiConsumer;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.json4s.JsonAST;
import org.json4s.StringInput;
import org.json4s.jackson.JsonMethods$;
import scala.Option;

/**
 * How Vigil models are stored: Spark's metadata JSON ({@code metadata/}: class, uid, Spark version,
 * params) plus Vigil's own fields (at least {@code vigilFormat}), and the model data as Parquet under
 * {@code data/}. Never Java serialisation.
 *
 * <p>Readers check the class and the format version before anything else, so a model saved by another
 * class or by a newer Vigil is refused with a message saying so. Writers then seal the model with
 * {@code checksums.json} (SHA-256 of every file), which {@link #loadMetadata} verifies first: a flipped
 * byte, a missing or an extra data file is refused before the model is used.
 */
public final class ModelPersistence {

  /**
   * The model format this code writes and reads. Format 2: every param defined once (the forest's
   * {@code randomSeed} became {@code seed}), validation figures and the training-score baseline on the model.
   */
  public static final int FORMAT_VERSION = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelPersistence() {}

  /**
   * The one way a Vigil model is written: metadata (Spark's, with {@code detector}, {@code vigilFormat} and
   * {@code extra}), then its data ({@code data} writes under the model's path), then the seal
   * ({@code checksums.json}) last, so a model whose writing stopped half way is refused on load.
   */
  public static final class SealedWriter extends MLWriter {
    private final DetectorParams model;
    private final Map<String, ?> extra;
    private final BiConsumer<String, SparkSession> data;

    public SealedWriter(DetectorParams model, Map<String, ?> extra, BiConsumer<String, SparkSession> data) {
      this.model = model;
      this.extra = extra;
      this.data = data;
    }

    @Override
    public void saveImpl(String path) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("detector", model.detectorName());
      fields.putAll(extra);
      saveMetadata(model, path, sc(), fields);
      data.accept(path, sparkSession());
      writeChecksums(path, sc());
    }
  }

  /** Builds a model from its checked metadata and its path (the reader sets the saved params after). */
  @FunctionalInterface
  public interface ModelBuilder<M> {
    M build(DefaultParamsReader.Metadata metadata, String path, SparkSession spark);
  }

  /**
   * The one way a Vigil model is read: seal, class and format checked ({@link #loadMetadata}), the model
   * built from its data, then the saved params set on it.
   */
  public static <M extends Params> MLReader<M> reader(Class<M> modelClass, ModelBuilder<M> builder) {
    return new MLReader<M>() {
      @Override
      public M load(String path) {
        DefaultParamsReader.Metadata metadata = loadMetadata(path, sc(), modelClass);
        M model = builder.build(metadata, path, sparkSession());
        setParams(metadata, model);
        return model;
      }
    };
  }

  /** Saves a stage (a detector, a model) to {@code path}, naming the path on failure. */
  public static void save(MLWritable stage, String path) {
    try {
      stage.write().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save to " + path, e);
    }
  }

  /** Writes {@code path/metadata} for {@code instance} with {@code extra} fields added. */
  public static void saveMetadata(Params instance, String path, SparkContext sc, Map<String, ?> extra) {
    Map<String, Object> fields = new LinkedHashMap<>(extra);
    fields.put("vigilFormat", FORMAT_VERSION);
    JsonAST.JObject extraJson;
    try {
      extraJson = (JsonAST.JObject) JsonMethods$.MODULE$.parse(
          new StringInput(JSON.writeValueAsString(fields)), false, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc, Option.apply(extraJson), Option.empty());
  }

  /** Spark's metadata for the model at {@code path}, checked to be of {@code expectedClass} and of a
   * format this code reads. */
  public static DefaultParamsReader.Metadata loadMetadata(String path, SparkContext sc, Class<?> expectedClass) {
    requireExists(path, sc);
    if (!isSealed(path, sc)) {
      // Say first if it is another kind of object (e.g. a detector or a Spark stage), then that it is unsealed.
      requireClass(DefaultParamsReader$.MODULE$.loadMetadata(path, sc, ""), path, expectedClass);
    }
    verifyChecksums(path, sc);
    return loadUnsealedMetadata(path, sc, expectedClass);
  }

  /** As {@link #loadMetadata} without the seal: for unfitted detectors, which hold no model data. */
  public static DefaultParamsReader.Metadata loadUnsealedMetadata(String path, SparkContext sc, Class<?> expectedClass) {
    requireExists(path, sc);
    DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc, "");
    requireClass(metadata, path, expectedClass);
    int format = fields(metadata).path("vigilFormat").asInt(-1);
    if (format != FORMAT_VERSION) {
      throw new IllegalArgumentException(String.format(
          "The model at %s has vigilFormat %d; this Vigil reads format %d only (its params changed). Retrain"
              + " it with this Vigil (vigil train), or load it with the Vigil release that wrote it.",
          path, format, FORMAT_VERSION));
    }
    return metadata;
  }

  private static void requireClass(DefaultParamsReader.Metadata metadata, String path, Class<?> expectedClass) {
    if (!metadata.className().equals(expectedClass.getName())) {
      throw new IllegalArgumentException(String.format(
          "The model at %s was saved by %s, not %s; load it with that class's read().load(path).",
          path, metadata.className(), expectedClass.getName()));
    }
  }

  private static boolean isSealed(String path, SparkContext sc) {
    try {
      Path seal = new Path(path, CHECKSUMS);
      return seal.getFileSystem(sc.hadoopConfiguration()).exists(seal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole metadata JSON, for reading the extra fields. */
  public static JsonNode fields(DefaultParamsReader.Metadata metadata) {
    try {
      return JSON.readTree(metadata.metadataJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The feature width a saved model was fit on (its numFeatures param), or an error naming the path. */
  public static int numFeatures(DefaultParamsReader.Metadata metadata, String path) {
    int width = fields(metadata).path("paramMap").path("numFeatures").asInt(-1);
    if (width < 1) {
      throw new IllegalArgumentException("The model at " + path + " has no numFeatures in its metadata.");
    }
    return width;
  }

  /** Sets the saved params on a freshly built instance (which must carry the saved uid). */
  public static void setParams(DefaultParamsReader.Metadata metadata, Params instance) {
    metadata.getAndSetParams(instance, Option.empty());
  }

  public static String dataPath(String path) {
    return new Path(path, "data").toString();
  }

  /** The file that seals a saved model. */
  public static final String CHECKSUMS = "checksums.json";

  /** Writes {@code checksums.json}: the SHA-256 of every file of the model; call after everything else. */
  public static void writeChecksums(String path, SparkContext sc) {
    try {
      Path root = new Path(path);
      FileSystem fs = root.getFileSystem(sc.hadoopConfiguration());
      Map<String, String> sums = checksums(fs, root);
      try (java.io.OutputStream out = fs.create(new Path(root, CHECKSUMS), true)) {
        out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(sums));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot seal the model at " + path, e);
    }
  }

  /** Recomputes every file's SHA-256 and compares with {@code checksums.json}; errors name the file. */
  public static void verifyChecksums(String path, SparkContext sc) {
    try {
      Path root = new Path(path);
      FileSystem fs = root.getFileSystem(sc.hadoopConfiguration());
      Path sealPath = new Path(root, CHECKSUMS);
      if (!fs.exists(sealPath)) {
        throw new IllegalArgumentException("The model at " + path + " has no " + CHECKSUMS + "; it was not"
            + " written completely by Vigil. Retrain or restore it.");
      }
      Map<String, String> expected;
      try (java.io.InputStream in = fs.open(sealPath)) {
        expected = JSON.readValue(in, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      }
      Map<String, String> actual = checksums(fs, root);
      for (Map.Entry<String, String> e : expected.entrySet()) {
        String now = actual.get(e.getKey());
        if (now == null) {
          throw new IllegalArgumentException("Model file " + path + "/" + e.getKey() + " is missing; the model"
              + " is incomplete. Retrain or restore it.");
        }
        if (!now.equals(e.getValue())) {
          throw new IllegalArgumentException("Model file " + path + "/" + e.getKey() + " fails its SHA-256"
              + " checksum: it was modified or corrupted after saving. Retrain or restore it.");
        }
      }
      for (String file : actual.keySet()) {
        if (!expected.containsKey(file)) {
          throw new IllegalArgumentException("Model file " + path + "/" + file + " is not part of the saved model"
              + " (not in " + CHECKSUMS + "). Remove it, or retrain.");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot verify the model at " + path, e);
    }
  }

  /** SHA-256 of each file under root by relative path, skipping Hadoop's .crc side files and the seal. */
  public static Map<String, String> fileChecksums(FileSystem fs, Path root) throws IOException {
    return checksums(fs, root);
  }

  private static Map<String, String> checksums(FileSystem fs, Path root) throws IOException {
    Map<String, String> sums = new java.util.TreeMap<>();
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(root, true);
    String prefix = fs.makeQualified(root).toUri().getPath();
    while (files.hasNext()) {
      Path p = files.next().getPath();
      String name = p.getName();
      if (name.endsWith(".crc") || name.equals(CHECKSUMS)) {
        continue;
      }
      String rel = p.toUri().getPath().substring(prefix.length()).replaceFirst("^/", "");
      java.security.MessageDigest md;
      try {
        md = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      try (java.io.InputStream in = fs.open(p)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      } catch (org.apache.hadoop.fs.ChecksumException e) {
        // Hadoop's own .crc side file disagrees: the file changed after it was written.
        throw new IllegalArgumentException("Model file " + p + " fails its SHA-256 checksum (and Hadoop's CRC): it"
            + " was modified or corrupted after saving. Retrain or restore it.", e);
      }
      sums.put(rel, java.util.HexFormat.of().formatHex(md.digest()));
    }
    return sums;
  }

  private static void requireExists(String path, SparkContext sc) {
    try {
      Path metadataPath = new Path(path, "metadata");
      FileSystem fs = metadataPath.getFileSystem(sc.hadoopConfiguration());
      if (!fs.exists(metadataPath)) {
        throw new IllegalArgumentException(String.format(
            "No Vigil model at %s: %s does not exist.", path, metadataPath));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model at " + path, e);
    }
  }
}
