package io.vigil.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * catalog/&lt;scores.table&gt;/                    Iceberg table vigil.&lt;scores.table&gt;: scored rows by run_date, detector
 * catalog/metrics/                            Iceberg table vigil.metrics: one row per (run_date, dataset, protocol, detector)
 * reports/D/&lt;dataset&gt;/&lt;detector&gt;/             metrics.json, histogram.png, curves.png (evaluate)
 * </pre>
 */
public final class Warehouse {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Run records: snake_case keys; NaN written as the string "NaN" and read back as NaN. */
  private static final ObjectMapper RECORDS = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  private final Path root;
  private final Configuration hadoop;

  public Warehouse(String root, Configuration hadoop) {
    try {
      // Qualified (scheme + absolute path): Iceberg table locations and the catalog must not depend on
      // the working directory.
      Path p = new Path(root);
      this.root = p.getFileSystem(hadoop).makeQualified(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve the warehouse root " + root, e);
    }
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

  /** The Iceberg catalog directory ({@link Tables}): one table per subdirectory. */
  public String catalogDir() {
    return new Path(root, "catalog").toString();
  }

  /** The location of table {@code vigil.<name>}. */
  public String table(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("Table name '" + name + "' must be letters, digits and underscores.");
    }
    return new Path(catalogDir(), name).toString();
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

  /**
   * SHA-256 over the files under {@code dir} (each file's relative path and SHA-256, in path order, the walk
   * the model seal makes), except model-info.json: the registry's fingerprint of a model version.
   */
  public String treeSha256(String dir) {
    try {
      java.util.Map<String, String> sums = io.vigil.persist.ModelPersistence.fileChecksums(
          new Path(dir).getFileSystem(hadoop), new Path(dir));
      sums.remove(ModelInfo.FILE);
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      sums.forEach((file, sum) -> md.update((file + " " + sum + "\n").getBytes(StandardCharsets.UTF_8)));
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The registered versions of a detector, oldest first (version names sort by time). */
  public java.util.List<String> versions(String datasetKey, String detector) {
    try {
      Path dir = new Path(modelsDir(datasetKey, detector));
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir)) {
        return java.util.List.of();
      }
      java.util.List<String> out = new java.util.ArrayList<>();
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
        if (st.isDirectory() && fs.exists(new Path(st.getPath(), "model-info.json"))) {
          out.add(st.getPath().getName());
        }
      }
      java.util.Collections.sort(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the oldest versions beyond the newest {@code keep}, never the current one. */
  public void pruneVersions(String datasetKey, String detector, int keep) {
    java.util.List<String> all = versions(datasetKey, detector);
    String current = currentVersion(datasetKey, detector);
    for (int i = 0; i < all.size() - Math.max(1, keep); i++) {
      if (!all.get(i).equals(current)) {
        delete(modelDir(datasetKey, detector, all.get(i)));
      }
    }
  }

  /** Whether {@code path} exists or, when it is a glob ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}), matches a file. */
  public boolean existsOrMatches(String path) {
    if (!path.matches(".*[*?\\[{].*")) {
      return exists(path);
    }
    try {
      Path p = new Path(path);
      org.apache.hadoop.fs.FileStatus[] matches = p.getFileSystem(hadoop).globStatus(p);
      return matches != null && matches.length > 0;
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
    return new String(readBytes(path), StandardCharsets.UTF_8);
  }

  public byte[] readBytes(String path) {
    try {
      Path p = new Path(path);
      try (InputStream in = p.getFileSystem(hadoop).open(p)) {
        return in.readAllBytes();
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

  /** Writes a run record (model-info.json, score-info.json) as indented JSON, keys in snake_case. */
  public void writeRecord(String path, Record record) {
    try {
      writeText(path, RECORDS.writeValueAsString(record) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path, e);
    }
  }

  /** Reads a run record written by {@link #writeRecord}; an error naming the file when it does not parse. */
  public <R extends Record> R readRecord(String path, Class<R> type) {
    try {
      return RECORDS.readValue(readText(path), type);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + path + " as " + type.getSimpleName() + ": "
          + e.getMessage(), e);
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
