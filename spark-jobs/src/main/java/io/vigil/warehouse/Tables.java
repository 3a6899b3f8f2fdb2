package io.vigil.warehouse;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Vigil's output tables: Iceberg tables in a file-based (Hadoop) catalog under
 * {@code <output>/catalog}, so that {@code vigil.scores} and {@code vigil.metrics} are visible by name
 * to {@code vigil sql} and to spark-sql with the catalog configured (deploy/spark-defaults.conf).
 *
 * <p>Why Iceberg: every write is one snapshot commit (an atomic rename of the table's metadata
 * pointer), so replacing a date partition is all-or-nothing: a job killed while writing leaves the
 * previous snapshot, and so the previous rows of that partition, in place. Plain Parquet with Spark's
 * dynamic partition overwrite deletes the old partition directory before moving the new one in. The
 * Hadoop catalog needs an atomic rename (local disk, HDFS); on S3 use a REST or Glue catalog.
 */
public final class Tables {

  /** The catalog name users query through ({@code vigil.<table>}). */
  public static final String CATALOG = "vigil";

  private Tables() {}

  /** Session settings that register the {@code vigil} catalog over {@code <output>/catalog}. */
  public static Map<String, String> catalogConf(String catalogDir) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    c.put("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    c.put("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    c.put("spark.sql.catalog." + CATALOG + ".warehouse", catalogDir);
    return c;
  }

  public static boolean exists(SparkSession spark, String location) {
    return tables(spark).exists(location);
  }

  /**
   * Iceberg resolves path-based reads and writes through a catalog named default_iceberg, which it
   * would otherwise create as a Hive catalog (no Hive here). A Hadoop catalog serves path identifiers
   * without a metastore; its own warehouse is never used for them.
   */
  private static void pathCatalog(SparkSession spark) {
    String key = "spark.sql.catalog.default_iceberg";
    if (!spark.conf().contains(key)) {
      spark.conf().set(key, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set(key + ".type", "hadoop");
      spark.conf().set(key + ".warehouse", System.getProperty("java.io.tmpdir") + "/vigil-iceberg-unused");
    }
  }

  /**
   * Replaces the partitions of {@code location} that {@code rows} fall into with {@code rows}, in one
   * commit; other partitions are kept. Creates the table (partitioned by {@code partitionCols}, with
   * the given table and column comments) on first use. A schema that differs from the table's is an
   * error naming the columns.
   */
  public static void replacePartitions(Dataset<Row> rows, String location, List<String> partitionCols,
      String tableComment, Map<String, String> columnComments) {
    SparkSession spark = rows.sparkSession();
    if (!exists(spark, location)) {
      create(spark, location, rows.schema(), partitionCols, tableComment, columnComments);
    } else {
      requireSameColumns(spark, location, rows.schema());
    }
    pathCatalog(spark);
    rows.write().format("iceberg").mode(SaveMode.Overwrite).option("overwrite-mode", "dynamic").option("distribution-mode", "none").save(location);
  }

  /** Deletes the rows where each {@code column = value} (a partition), in one commit. */
  public static void deleteWhere(SparkSession spark, String location, Map<String, String> equalities) {
    if (!exists(spark, location)) {
      return;
    }
    Expression filter = Expressions.alwaysTrue();
    for (Map.Entry<String, String> e : equalities.entrySet()) {
      filter = Expressions.and(filter, Expressions.equal(e.getKey(), e.getValue()));
    }
    tables(spark).load(location).newDelete().deleteFromRowFilter(filter).commit();
  }

  /** Drops the table at {@code location} (metadata and data files), if there is one. */
  public static void drop(SparkSession spark, String location) {
    if (exists(spark, location)) {
      tables(spark).dropTable(location, true);
    }
  }

  public static Dataset<Row> read(SparkSession spark, String location) {
    pathCatalog(spark);
    return spark.read().format("iceberg").load(location);
  }

  private static void create(SparkSession spark, String location, StructType schema, List<String> partitionCols,
      String tableComment, Map<String, String> columnComments) {
    StructType commented = new StructType();
    for (StructField f : schema.fields()) {
      String doc = columnComments.getOrDefault(f.name(), "input column " + f.name());
      // Every column optional: a detector without explanations writes null top_features into a table
      // another detector created.
      org.apache.spark.sql.types.DataType type = f.dataType() instanceof org.apache.spark.sql.types.ArrayType a
          ? org.apache.spark.sql.types.DataTypes.createArrayType(a.elementType(), true) : f.dataType();
      commented = commented.add(new StructField(f.name(), type, true, f.metadata()).withComment(doc));
    }
    Schema iceberg = SparkSchemaUtil.convert(commented);
    PartitionSpec.Builder spec = PartitionSpec.builderFor(iceberg);
    partitionCols.forEach(spec::identity);
    Map<String, String> props = new LinkedHashMap<>();
    props.put("comment", tableComment);
    props.put("format-version", "2");
    tables(spark).create(iceberg, spec.build(), SortOrder.unsorted(), props, location);
  }

  private static void requireSameColumns(SparkSession spark, String location, StructType schema) {
    Table table = tables(spark).load(location);
    List<String> have = table.schema().columns().stream().map(c -> c.name()).toList();
    List<String> given = Arrays.asList(schema.fieldNames());
    if (!have.equals(given)) {
      throw new IllegalArgumentException(String.format("Table %s has columns %s but this run writes %s; the input"
          + " schema changed. Write to a new table (scores.table) or migrate this one.", location, have, given));
    }
  }

  private static HadoopTables tables(SparkSession spark) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    return new HadoopTables(conf);
  }
}
