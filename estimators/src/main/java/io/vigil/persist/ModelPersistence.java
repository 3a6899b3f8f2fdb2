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
import org.apache.spark.ml.param.Params;
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
 * class or by a newer Vigil is refused with a message saying so.
 */
public final class ModelPersistence {

  /** The model format this code writes; readers accept 1..FORMAT_VERSION. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelPersistence() {}

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
    DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc, "");
    if (!metadata.className().equals(expectedClass.getName())) {
      throw new IllegalArgumentException(String.format(
          "The model at %s was saved by %s, not %s; load it with that class's read().load(path).",
          path, metadata.className(), expectedClass.getName()));
    }
    int format = fields(metadata).path("vigilFormat").asInt(-1);
    if (format < 1 || format > FORMAT_VERSION) {
      throw new IllegalArgumentException(String.format(
          "The model at %s has vigilFormat %d; this Vigil reads formats 1 to %d. Load it with the Vigil"
              + " release that wrote it, or retrain.", path, format, FORMAT_VERSION));
    }
    return metadata;
  }

  /** The whole metadata JSON, for reading the extra fields. */
  public static JsonNode fields(DefaultParamsReader.Metadata metadata) {
    try {
      return JSON.readTree(metadata.metadataJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the saved params on a freshly built instance (which must carry the saved uid). */
  public static void setParams(DefaultParamsReader.Metadata metadata, Params instance) {
    metadata.getAndSetParams(instance, Option.empty());
  }

  public static String dataPath(String path) {
    return new Path(path, "data").toString();
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
