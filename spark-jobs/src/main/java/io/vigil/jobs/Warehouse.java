package io.vigil.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of the warehouse root given with --output (any Hadoop file system: local, HDFS, S3):
 *
 * <pre>
 * prepared/                                  prepared input tables (prepare)
 * models/&lt;dataset&gt;/&lt;detector&gt;/&lt;version&gt;/   PipelineModel + model-info.json (train)
 * models/&lt;dataset&gt;/&lt;detector&gt;/current        the version score uses by default
 * tables/&lt;scores.table&gt;/run_date=D/detector=X/   scored rows (score)
 * tables/metrics/                             one row per evaluation (evaluate)
 * reports/D/&lt;dataset&gt;/&lt;detector&gt;/             metrics.json, histogram.png, curves.png (evaluate)
 * </pre>
 */
public final class Warehouse {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final Configuration hadoop;

  public Warehouse(String root, Configuration hadoop) {
    this.root = new Path(root);
    this.hadoop = hadoop;
  }

  public String root() {
    return root.toString();
  }

  public String modelsDir(String datasetKey, String detector) {
    return new Path(root, "models/" + datasetKey + "/" + detector).toString();
  }

  public String modelDir(String datasetKey, String detector, String version) {
    return new Path(modelsDir(datasetKey, detector), version).toString();
  }

  public String table(String name) {
    return new Path(root, "tables/" + name).toString();
  }

  public String metricsTable() {
    return table("metrics");
  }

  public String reportDir(String runDate, String datasetKey, String detector) {
    return new Path(root, "reports/" + runDate + "/" + datasetKey + "/" + detector).toString();
  }

  /** The version named by the {@code current} pointer, or an error saying to train first. */
  public String currentVersion(String datasetKey, String detector) {
    Path pointer = new Path(modelsDir(datasetKey, detector), "current");
    if (!exists(pointer.toString())) {
      throw new IllegalArgumentException(String.format("No trained %s model for %s under %s; run train first.",
          detector, datasetKey, modelsDir(datasetKey, detector)));
    }
    return readText(pointer.toString()).trim();
  }

  /** Points {@code current} at {@code version}: written aside, then renamed over the old pointer. */
  public void setCurrentVersion(String datasetKey, String detector, String version) {
    Path pointer = new Path(modelsDir(datasetKey, detector), "current");
    Path tmp = new Path(modelsDir(datasetKey, detector), ".current.tmp");
    writeText(tmp.toString(), version + "\n");
    try {
      FileSystem fs = pointer.getFileSystem(hadoop);
      fs.delete(pointer, false);
      if (!fs.rename(tmp, pointer)) {
        throw new IOException("rename " + tmp + " -> " + pointer + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(hadoop).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void delete(String path) {
    try {
      Path p = new Path(path);
      p.getFileSystem(hadoop).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void writeBytes(String path, byte[] bytes) {
    try {
      Path p = new Path(path);
      try (OutputStream out = p.getFileSystem(hadoop).create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path, e);
    }
  }

  public void writeText(String path, String text) {
    writeBytes(path, text.getBytes(StandardCharsets.UTF_8));
  }

  public String readText(String path) {
    try {
      Path p = new Path(path);
      try (InputStream in = p.getFileSystem(hadoop).open(p)) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /** Writes {@code values} as indented JSON; NaN and infinities become null (JSON has no NaN). */
  public void writeJson(String path, Map<String, ?> values) {
    Map<String, Object> clean = new LinkedHashMap<>();
    values.forEach((k, v) -> clean.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
    try {
      writeText(path, JSON.writeValueAsString(clean) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode readJson(String path) {
    try {
      return JSON.readTree(readText(path));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse " + path, e);
    }
  }
}
