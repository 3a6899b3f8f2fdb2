package io.vigil.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The KDD Cup 1999 files and the two evaluation protocols built on them (see DEVELOPERS.md):
 *
 * <ul>
 *   <li><b>kdd-honest</b>: train = every {@code normal.} row of {@code kddcup.data_10_percent.gz};
 *       in {@code corrected.gz}, label 1 = every non-normal row (novel attack types included),
 *       validation = rows whose 0-based line index i has i % 5 == 0, test = the rest.</li>
 *   <li><b>deepad-8020</b>: the same training rows; test and validation are the reference project's
 *       stored files ({@code deepad_8020/test_*}, {@code val_*}) with their labels.</li>
 * </ul>
 *
 * Rows keep their file line index ({@code row_index}), the attack name ({@code attack}, without the
 * trailing dot) and its category (dos, probe, r2l, u2r; {@code normal}; {@code novel} for attack types
 * that never occur in training).
 */
public final class KddData {

  public static final String TRAIN_FILE = "kddcup.data_10_percent.gz";
  public static final String TEST_FILE = "corrected.gz";
  public static final String ATTACK_TYPES_FILE = "training_attack_types.txt";

  /** The 42 fields of the raw files, in order. */
  public static final List<String> COLUMNS = List.of("duration", "protocol_type", "service", "flag",
      "src_bytes", "dst_bytes", "land", "wrong_fragment", "urgent", "hot", "num_failed_logins", "logged_in",
      "num_compromised", "root_shell", "su_attempted", "num_root", "num_file_creations", "num_shells",
      "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login", "count", "srv_count",
      "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate", "diff_srv_rate",
      "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate",
      "dst_host_diff_srv_rate", "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate",
      "dst_host_serror_rate", "dst_host_srv_serror_rate", "dst_host_rerror_rate",
      "dst_host_srv_rerror_rate", "labels");

  public static final List<String> CATEGORICAL = List.of("protocol_type", "service", "flag");

  /** The 38 numeric features (all 41 features less the three categorical ones). */
  public static final List<String> NUMERIC = COLUMNS.subList(0, 41).stream()
      .filter(c -> !CATEGORICAL.contains(c)).toList();

  /** The reference project's 18 features (fastforwardlabs/deepad). */
  public static final List<String> REFERENCE_18 = COLUMNS.subList(23, 41);

  /** The output layout under a prepared-data root. */
  public static final String HONEST_DIR = "kdd/honest";
  public static final String DEEPAD_DIR = "kdd/deepad-8020";

  private KddData() {}

  public static StructType rawSchema() {
    StructType s = new StructType();
    for (String c : COLUMNS) {
      s = s.add(c, CATEGORICAL.contains(c) || c.equals("labels") ? DataTypes.StringType : DataTypes.DoubleType,
          false);
    }
    return s.add("row_index", DataTypes.LongType, false);
  }

  /**
   * Reads a raw KDD file (gzip or plain, comma-separated, no header) with its 0-based line index.
   * A line without exactly 42 fields, or with a non-number in a numeric field, is an error that names
   * the file and the line.
   */
  public static Dataset<Row> readRaw(SparkSession spark, String path) {
    StructType schema = rawSchema();
    JavaRDD<Row> rows = spark.sparkContext().textFile(path, 1).toJavaRDD().zipWithIndex().map(t -> {
      String[] f = t._1().split(",", -1);
      if (f.length != COLUMNS.size()) {
        throw new IllegalArgumentException(String.format("%s line %d has %d fields; KDD rows have %d.",
            path, t._2(), f.length, COLUMNS.size()));
      }
      Object[] values = new Object[COLUMNS.size() + 1];
      for (int i = 0; i < f.length; i++) {
        String name = COLUMNS.get(i);
        if (CATEGORICAL.contains(name) || name.equals("labels")) {
          values[i] = f[i];
        } else {
          try {
            values[i] = Double.parseDouble(f[i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(String.format("%s line %d: field '%s' is '%s', not a number.",
                path, t._2(), name, f[i]));
          }
        }
      }
      values[COLUMNS.size()] = t._2();
      return RowFactory.create(values);
    });
    return spark.createDataFrame(rows, schema);
  }

  /** Adds {@code attack} (label without the dot), {@code category} and {@code label} (0 normal, 1 attack). */
  public static Dataset<Row> withLabels(Dataset<Row> raw, Map<String, String> attackCategories) {
    Map<String, String> categories = new HashMap<>(attackCategories);
    categories.put("normal", "normal");
    org.apache.spark.sql.Column attack = org.apache.spark.sql.functions.regexp_replace(col("labels"), "\\.$", "");
    org.apache.spark.sql.Column category = lit("novel");
    for (Map.Entry<String, String> e : categories.entrySet()) {
      category = org.apache.spark.sql.functions.when(attack.equalTo(e.getKey()), e.getValue()).otherwise(category);
    }
    return raw.withColumn("attack", attack).withColumn("category", category)
        .withColumn("label", attack.notEqual("normal").cast("int"));
  }

  /** Parses {@code training_attack_types}: lines of "attack category". */
  public static Map<String, String> readAttackTypes(SparkSession spark, String path) {
    Map<String, String> map = new HashMap<>();
    for (String line : spark.read().textFile(path).collectAsList()) {
      String[] p = line.trim().split("\\s+");
      if (p.length == 2) {
        map.put(p[0], p[1]);
      }
    }
    if (map.isEmpty()) {
      throw new IllegalArgumentException(path + " holds no 'attack category' lines.");
    }
    return map;
  }

  /**
   * Writes the kdd-honest {@code train}, {@code val} and {@code test} tables and the deepad-8020
   * {@code val} and {@code test} tables as Parquet under {@code outputRoot}.
   *
   * @param sourceDir a directory with the raw files (and {@code deepad_8020/})
   * @return row counts by table name, e.g. {@code honest/train}
   */
  public static Map<String, Long> prepare(SparkSession spark, String sourceDir, String outputRoot) {
    Map<String, String> categories = readAttackTypes(spark, new Path(sourceDir, ATTACK_TYPES_FILE).toString());
    Dataset<Row> train = withLabels(readRaw(spark, new Path(sourceDir, TRAIN_FILE).toString()), categories)
        .filter(col("attack").equalTo("normal"));
    Dataset<Row> corrected = withLabels(readRaw(spark, new Path(sourceDir, TEST_FILE).toString()), categories);
    Dataset<Row> val = corrected.filter(pmod(col("row_index"), lit(5)).equalTo(0));
    Dataset<Row> test = corrected.filter(pmod(col("row_index"), lit(5)).notEqual(0));
    Map<String, Long> counts = new java.util.LinkedHashMap<>();
    counts.put("honest/train", write(train, outputRoot, HONEST_DIR + "/train"));
    counts.put("honest/val", write(val, outputRoot, HONEST_DIR + "/val"));
    counts.put("honest/test", write(test, outputRoot, HONEST_DIR + "/test"));
    String deepad = new Path(sourceDir, "deepad_8020").toString();
    counts.put("deepad-8020/val", write(readDeepad(spark, deepad, "val"), outputRoot, DEEPAD_DIR + "/val"));
    counts.put("deepad-8020/test", write(readDeepad(spark, deepad, "test"), outputRoot, DEEPAD_DIR + "/test"));
    return counts;
  }

  /**
   * Reads the reference split files {@code <split>_inliers.csv[.gz]} and {@code <split>_outliers.csv[.gz]}:
   * the 18 reference features and {@code target} (their label, kept as {@code label}).
   */
  public static Dataset<Row> readDeepad(SparkSession spark, String dir, String split) {
    StructType schema = new StructType();
    for (String c : REFERENCE_18) {
      schema = schema.add(c, DataTypes.DoubleType, false);
    }
    schema = schema.add("target", DataTypes.DoubleType, false);
    List<Dataset<Row>> parts = new ArrayList<>();
    for (String kind : List.of("inliers", "outliers")) {
      String file = existing(spark, dir + "/" + split + "_" + kind + ".csv");
      parts.add(spark.read().option("header", "true").option("mode", "FAILFAST").schema(schema).csv(file)
          .withColumn("source_file", lit(split + "_" + kind)));
    }
    return parts.get(0).unionByName(parts.get(1))
        .withColumn("label", col("target").cast("int")).drop("target");
  }

  /** {@code base} or {@code base.gz}, whichever exists (the local mirror gzips the val files). */
  private static String existing(SparkSession spark, String base) {
    try {
      Path plain = new Path(base);
      org.apache.hadoop.fs.FileSystem fs = plain.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(plain)) {
        return base;
      }
      if (fs.exists(new Path(base + ".gz"))) {
        return base + ".gz";
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalArgumentException("Neither " + base + " nor " + base + ".gz exists; run data/fetch-kdd.sh.");
  }

  private static long write(Dataset<Row> table, String root, String name) {
    String path = new Path(root, name).toString();
    table.write().mode(SaveMode.Overwrite).parquet(path);
    return table.sparkSession().read().parquet(path).count();
  }
}
