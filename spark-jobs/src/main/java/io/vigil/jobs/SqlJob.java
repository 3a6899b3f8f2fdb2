package io.vigil.jobs;

import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * sql: runs one query, or a script of them, over the warehouse's tables: by catalog name ({@code vigil.metrics},
 * {@code vigil.kdd_honest_scores}; the command line registers the {@code vigil} catalog over
 * {@code <output>/catalog}) or, in any session, by bare name (each table is also a temporary view). Read-only: only SELECT, WITH, SHOW,
 * DESCRIBE and EXPLAIN statements are accepted. Statements are separated by ';'.
 */
public final class SqlJob {

  private static final String READ_ONLY = " (use --allow-writes to change tables).";

  /** A WITH ... INSERT/MERGE/... statement: Spark accepts writes after a common table expression. */
  private static final java.util.regex.Pattern WRITE_IN_WITH = java.util.regex.Pattern.compile(
      "(?i)\\b(INSERT|MERGE|UPDATE|DELETE|DROP|CREATE|ALTER|TRUNCATE)\\b");

  private SqlJob() {}

  public static Dataset<Row> run(SparkSession spark, Warehouse warehouse, String query) {
    return run(spark, warehouse, query, false);
  }

  /**
   * As above; {@code allowWrites} (the command line's --allow-writes) lifts the read-only rule, e.g.
   * for an operator's {@code DELETE FROM vigil.scores WHERE run_date = ...}. One statement; a script of
   * several goes through {@link #runScript}.
   */
  public static Dataset<Row> run(SparkSession spark, Warehouse warehouse, String query, boolean allowWrites) {
    List<String> statements = checked(query, allowWrites);
    if (statements.size() != 1) {
      throw new IllegalArgumentException("vigil sql: expected one statement, got " + statements.size());
    }
    return execute(spark, warehouse, statements).get(0);
  }

  /**
   * The statements of {@code script} (separated by ';') in order, each checked as {@link #run} checks
   * one, all before the first runs; their results in the same order (a write's result is empty). Spark
   * runs a write when its statement is planned, so the statements after a failed one do not run.
   */
  public static List<Dataset<Row>> runScript(SparkSession spark, Warehouse warehouse, String script,
      boolean allowWrites) {
    return execute(spark, warehouse, checked(script, allowWrites));
  }

  /** Runs checked {@code statements} in order over the warehouse's tables. */
  private static List<Dataset<Row>> execute(SparkSession spark, Warehouse warehouse, List<String> statements) {
    registerTables(spark, warehouse);
    List<Dataset<Row>> results = new ArrayList<>();
    for (String body : statements) {
      results.add(spark.sql(body));
    }
    return results;
  }

  /** The statements of {@code script}, refused if there are none or, unless writes are allowed, any writes. */
  private static List<String> checked(String script, boolean allowWrites) {
    List<String> statements = statements(script);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("vigil sql: no statement in '" + script + "'");
    }
    if (!allowWrites) {
      for (String body : statements) {
        String head = body.replaceAll("^(\\s*--[^\\n]*\\n)*\\s*", "").split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (!List.of("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN").contains(head)
            || (head.equals("WITH") && WRITE_IN_WITH.matcher(body).find())) {
          throw new IllegalArgumentException("vigil sql is read-only: statements starting with SELECT, WITH, SHOW,"
              + " DESCRIBE or EXPLAIN, not " + head + READ_ONLY);
        }
      }
    }
    return statements;
  }

  /**
   * {@code script} cut at each ';' that is outside a quoted string, a back-quoted name and a -- comment;
   * blank statements dropped. Splitting at every ';' would cut {@code WHERE note = 'a;b'} in two.
   */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    boolean lineComment = false;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      char next = i + 1 < script.length() ? script.charAt(i + 1) : 0;
      if (lineComment) {
        lineComment = c != '\n';
      } else if (quote != 0) {
        if (c == '\\' && quote != '`') {
          current.append(c);
          c = next;
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '-' && next == '-') {
        lineComment = true;
      } else if (c == ';') {
        addStatement(out, current);
        continue;
      }
      if (i < script.length()) {
        current.append(c);
      }
    }
    addStatement(out, current);
    return out;
  }

  private static void addStatement(List<String> out, StringBuilder current) {
    String s = current.toString().trim();
    if (!s.isEmpty() && !s.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("--"))) {
      out.add(s);
    }
    current.setLength(0);
  }

  /** Each table of the warehouse as a temporary view by its bare name. */
  private static void registerTables(SparkSession spark, Warehouse warehouse) {
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
  }
}
