package io.vigil.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * sql: runs one query over the warehouse's tables: by catalog name ({@code vigil.metrics},
 * {@code vigil.kdd_honest_scores}; the command line registers the {@code vigil} catalog over
 * {@code <output>/catalog}) or, in any session, by bare name (each table is also a temporary view). Read-only: only SELECT, WITH, SHOW,
 * DESCRIBE and EXPLAIN statements are accepted.
 */
public final class SqlJob {

  private SqlJob() {}

  public static Dataset<Row> run(SparkSession spark, Warehouse warehouse, String query) {
    String head = query.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    if (!java.util.List.of("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN").contains(head)) {
      throw new IllegalArgumentException("vigil sql is read-only: a query must start with SELECT, WITH, SHOW,"
          + " DESCRIBE or EXPLAIN, not " + head + ".");
    }
    Path tables = new Path(warehouse.catalogDir());
    try {
      FileSystem fs = tables.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(tables)) {
        for (FileStatus st : fs.listStatus(tables)) {
          if (st.isDirectory() && !st.getPath().getName().startsWith(".")) {
            Tables.read(spark, st.getPath().toString()).createOrReplaceTempView(st.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.sql(query);
  }
}
