package io.vigil.jobs;

import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
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

  /** A WITH ... INSERT/MERGE/... statement: Spark accepts writes after a common table expression. */
  private static final java.util.regex.Pattern WRITE_IN_WITH = java.util.regex.Pattern.compile(
      "(?i)\\b(INSERT|MERGE|UPDATE|DELETE|DROP|CREATE|ALTER|TRUNCATE)\\b");

  private SqlJob() {}

  public static Dataset<Row> run(SparkSession spark, Warehouse warehouse, String query) {
    return run(spark, warehouse, query, false);
  }

  /**
   * As above; {@code allowWrites} (the command line's --allow-writes) lifts the read-only rule, e.g.
   * for an operator's {@code DELETE FROM vigil.scores WHERE run_date = ...}.
   */
  public static Dataset<Row> run(SparkSession spark, Warehouse warehouse, String query, boolean allowWrites) {
    String head = query.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    // One statement: a ';' followed by more text could smuggle a write behind a SELECT.
    String body = query.trim().replaceAll(";\\s*$", "");
    if (!allowWrites && (body.contains(";")
        || !java.util.List.of("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN").contains(head)
        || (head.equals("WITH") && WRITE_IN_WITH.matcher(body).find()))) {
      throw new IllegalArgumentException("vigil sql is read-only: one statement starting with SELECT, WITH, SHOW,"
          + " DESCRIBE or EXPLAIN, not " + head + " (use --allow-writes to change tables).");
    }
    Path tables = new Path(warehouse.catalogDir());
    try {
      FileSystem fs = tables.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(tables)) {
        for (FileStatus st : fs.listStatus(tables)) {
          // tables only: a namespace directory (e.g. demo/ of vigil.demo.transactions) has no metadata/
          if (st.isDirectory() && !st.getPath().getName().startsWith(".")
              && fs.exists(new Path(st.getPath(), "metadata"))) {
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
