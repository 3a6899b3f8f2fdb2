package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.List;
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
}
