package io.vigil.jobs;

import io.vigil.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the input a config names for a role (train, val, test, score):
 * <ul>
 *   <li>{@code <role>.table}: a table of any catalog the session knows (Spark's session catalog, e.g. a
 *       Hive-style table written by {@code saveAsTable}, or an Iceberg catalog such as Vigil's {@code vigil});
 *       read by name, so an Iceberg table's deleted files are never read;</li>
 *   <li>else {@code <role>.path}: files in {@code input.format} (parquet, the default; csv, orc or json),
 *       globs allowed;</li>
 *   <li>{@code <role>.where}: an optional SQL condition on the rows ({@code ${run_date - 28d}} and the like
 *       resolved by the config), e.g. a rolling training window;</li>
 *   <li>{@code input.schema}: an optional DDL contract ({@code amount DOUBLE, merchant STRING, ...}), applied
 *       to CSV and JSON instead of type inference and checked against every input: a column of another type
 *       is an error naming the column, both types and the input.</li>
 * </ul>
 */
public final class Inputs {

  public static final List<String> FORMATS = List.of("parquet", "csv", "orc", "json");

  private Inputs() {}

  /** The role of a config key or role name: "train.path" and "train" are both the role train. */
  public static String role(String keyOrRole) {
    return keyOrRole.replaceFirst("\\.(path|table)$", "");
  }

  /** Whether the config names an input for {@code role} (a table or a path). */
  public static boolean has(JobConfig config, String role) {
    String r = role(role);
    return config.has(r + ".table") || config.has(r + ".path");
  }

  /** The config key that names the role's input: {@code <role>.table} when set, else {@code <role>.path}. */
  public static String key(JobConfig config, String role) {
    String r = role(role);
    return config.has(r + ".table") ? r + ".table" : r + ".path";
  }

  /** How the input is named in messages and records: "train.table = db.t where ..." or the path. */
  public static String describe(JobConfig config, String role) {
    String r = role(role);
    String key = key(config, r);
    String where = config.get(r + ".where", "");
    return key + " = " + config.get(key) + (where.isBlank() ? "" : " where " + where);
  }

  /** The rows of the role's input (see the class comment), or an error naming the key and what to do. */
  public static Dataset<Row> read(SparkSession spark, JobConfig config, Warehouse warehouse, String role) {
    String r = role(role);
    String key = key(config, r);
    Dataset<Row> rows = config.has(r + ".table") ? table(spark, key, config.get(key))
        : files(spark, config, warehouse, key);
    String whereKey = r + ".where";
    if (config.has(whereKey) && !config.get(whereKey).isBlank()) {
      String condition = config.get(whereKey);
      try {
        rows = rows.where(org.apache.spark.sql.functions.expr(condition));
        rows.schema(); // analyse now: an unknown column is an error here, naming the key
      } catch (Exception e) { // Spark's ParseException and AnalysisException are checked in Java's eyes
        throw new IllegalArgumentException(String.format("%s = %s does not apply to input %s = %s: %s Fix the"
            + " condition (Spark SQL, on the input's columns %s).", whereKey, condition, key, config.get(key),
            firstLine(e.getMessage()), Arrays.toString(rows.columns())), e);
      }
    }
    if (config.has("input.schema")) {
      requireSchema(rows.schema(), schema(config), key + " = " + config.get(key));
    }
    return rows;
  }

  private static Dataset<Row> table(SparkSession spark, String key, String name) {
    if (!spark.catalog().tableExists(name)) {
      throw new IllegalArgumentException(String.format("Input %s = %s: no such table in the session's catalogs."
          + " Check the name (catalog.database.table, e.g. vigil.demo.transactions) or set %s instead.", key, name,
          key.replace(".table", ".path")));
    }
    return spark.table(name);
  }

  private static Dataset<Row> files(SparkSession spark, JobConfig config, Warehouse warehouse, String key) {
    String path = config.get(key);
    if (!warehouse.existsOrMatches(path)) {
      throw new IllegalArgumentException(String.format("Input %s = %s does not exist%s.", key, path,
          path.contains("/prepared/") ? "; run prepare first (run does it for you)" : ""));
    }
    String format = config.get("input.format", "parquet");
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("input.format must be one of " + FORMATS + ", got '" + format + "'.");
    }
    DataFrameReader reader = spark.read();
    if (format.equals("parquet")) {
      return parquet(spark, reader, key, path);
    }
    if (format.equals("csv") || format.equals("json")) {
      // The contract's types, never inferred ones (which can change from one night to the next); FAILFAST: a
      // ragged or unparsable row is an error naming the row, never a silent null.
      reader = config.has("input.schema") ? reader.schema(schema(config)) : reader.option("inferSchema", "true");
      reader = reader.option("mode", "FAILFAST");
      return format.equals("csv") ? reader.option("header", config.get("csv.header", "true")).csv(path)
          : reader.json(path);
    }
    return reader.orc(path);
  }

  /** input.schema as a Spark schema, or an error naming the key. */
  static StructType schema(JobConfig config) {
    try {
      return StructType.fromDDL(config.get("input.schema"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("input.schema = " + config.get("input.schema") + " is not a DDL column"
          + " list (e.g. 'amount DOUBLE, merchant STRING'): " + firstLine(e.getMessage()), e);
    }
  }

  /** Every column of the contract is in the input with the contract's type. */
  static void requireSchema(StructType actual, StructType contract, String input) {
    for (StructField want : contract.fields()) {
      StructField have = Arrays.stream(actual.fields()).filter(f -> f.name().equalsIgnoreCase(want.name()))
          .findFirst().orElse(null);
      if (have == null) {
        throw new IllegalArgumentException(String.format("Input %s has no column '%s', which input.schema requires"
            + " (%s); its columns are %s.", input, want.name(), want.dataType().simpleString(),
            Arrays.toString(actual.fieldNames())));
      }
      if (!have.dataType().equals(want.dataType())) {
        throw new IllegalArgumentException(String.format("Input %s: column '%s' is %s, but input.schema says %s."
            + " Fix the input or the contract.", input, want.name(), have.dataType().simpleString(),
            want.dataType().simpleString()));
      }
    }
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * Reads Parquet with the schemas of all files merged, so that files which disagree are caught here
   * rather than mid-job: a column missing from some files arrives as nulls (the input policy counts
   * and names them), and a column whose type differs between files is an error naming the column and
   * a file of each type. (Without merging, Spark takes one file's schema and fails later, mid-write.)
   */
  private static Dataset<Row> parquet(SparkSession spark, DataFrameReader reader, String key, String path) {
    try {
      return reader.option("mergeSchema", "true").parquet(path);
    } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown unchecked
      if (!String.valueOf(e.getMessage()).contains("CANNOT_MERGE")) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
      throw new IllegalArgumentException(String.format("Input %s = %s: its Parquet files disagree on a column's"
          + " type: %s. Rewrite the files with one schema.", key, path, typeConflicts(spark, path)), e);
    }
  }

  /** For the error message: each column with more than one type, and one file per type. */
  private static String typeConflicts(SparkSession spark, String path) {
    Map<String, Map<String, String>> typesByColumn = new TreeMap<>();
    try {
      FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(path), true);
      int read = 0;
      // Only on the failure path, and capped: one footer read per file from the driver.
      while (files.hasNext() && read < 1000) {
        Path file = files.next().getPath();
        if (!file.getName().endsWith(".parquet")) {
          continue;
        }
        read++;
        for (StructField f : spark.read().parquet(file.toString()).schema().fields()) {
          typesByColumn.computeIfAbsent(f.name(), n -> new TreeMap<>())
              .putIfAbsent(f.dataType().simpleString(), file.getName());
        }
      }
    } catch (java.io.IOException e) {
      return "(could not list the files: " + e.getMessage() + ")";
    }
    List<String> conflicts = new ArrayList<>();
    typesByColumn.forEach((column, types) -> {
      if (types.size() > 1) {
        List<String> each = new ArrayList<>();
        types.forEach((type, file) -> each.add(type + " in " + file));
        conflicts.add("column '" + column + "' is " + String.join(", ", each));
      }
    });
    return conflicts.isEmpty() ? "(no single column found; see the cause)" : String.join("; ", conflicts);
  }
}
