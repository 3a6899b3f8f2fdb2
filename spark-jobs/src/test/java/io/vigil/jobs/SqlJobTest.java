package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil sql: read-only unless writes are allowed. */
class SqlJobTest extends SparkTestBase {

  @TempDir
  Path dir;

  @Test
  void givenWritesOrSmuggledStatements_whenReadOnly_thenRefused_andAllowedWithAllowWrites() {
    Warehouse wh = new Warehouse(dir.toString(), spark.sparkContext().hadoopConfiguration());
    for (String q : List.of("DROP TABLE vigil.metrics", "INSERT INTO t SELECT 1", "DELETE FROM vigil.scores",
        "SELECT 1; DROP TABLE x", "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", "CREATE TABLE t (i INT)")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlJob.run(spark, wh, q), q);
      assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains("--allow-writes"), e.getMessage());
    }
    assertEquals(1L, SqlJob.run(spark, wh, "SELECT 1 AS one;").count());
    assertEquals(2L, SqlJob.run(spark, wh, "WITH a AS (SELECT explode(array(1, 2)) AS x) SELECT * FROM a").count());
    SqlJob.run(spark, wh, "CREATE OR REPLACE TEMPORARY VIEW allowed AS SELECT 7 AS v", true);
    assertEquals(7, SqlJob.run(spark, wh, "SELECT v FROM allowed").first().getInt(0));
  }

  @Test
  void givenAScript_whenRun_thenItsStatementsRunInOrderAndEveryOneIsChecked() {
    Warehouse wh = new Warehouse(dir.toString(), spark.sparkContext().hadoopConfiguration());
    // ';' inside quotes, back-quoted names and comments does not end a statement
    assertEquals(List.of("SELECT 'a;b' AS s", "SELECT `x;y` FROM (SELECT 1 AS `x;y`)", "-- c;d\nSELECT \"e\\\";f\""),
        SqlJob.statements(" SELECT 'a;b' AS s; SELECT `x;y` FROM (SELECT 1 AS `x;y`);\n-- c;d\nSELECT \"e\\\";f\";;"));
    List<Dataset<Row>> results = SqlJob.runScript(spark, wh, "CREATE OR REPLACE TEMPORARY VIEW s1 AS SELECT 3 AS v;"
        + " CREATE OR REPLACE TEMPORARY VIEW s2 AS SELECT v + 1 AS v FROM s1; SELECT v FROM s2", true);
    assertEquals(3, results.size());
    assertEquals(4, results.get(2).first().getInt(0));
    assertEquals(List.of(1, 2), SqlJob.runScript(spark, wh, "SELECT 1 AS a; -- the second\n SELECT 2 AS b", false).stream()
        .map(r -> r.first().getInt(0)).toList());
    // read-only: a write anywhere in the script stops it before its first statement runs
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlJob.runScript(spark, wh,
        "CREATE OR REPLACE TEMPORARY VIEW s3 AS SELECT 1 AS v; SELECT 1", false));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    assertTrue(!spark.catalog().tableExists("s3"));
    // one statement where one is expected
    e = assertThrows(IllegalArgumentException.class, () -> SqlJob.run(spark, wh, "SELECT 1; SELECT 2", true));
    assertTrue(e.getMessage().contains("one statement, got 2"), e.getMessage());
  }
}
