package io.vigil.datasets;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepared KDD tables have exactly the row counts DEVELOPERS.md and SOURCE.md give. */
@Tag("realdata")
class KddDataTest extends SparkTestBase {

  /** The prepared KDD tables (kdd/honest/{train,val,test}, kdd/deepad-8020/{val,test}), prepared once per build. */
  static synchronized String preparedKdd() {
    java.io.File root = new java.io.File("target/vigil-test-data/prepared").getAbsoluteFile();
    if (!new java.io.File(root, KddData.DEEPAD_DIR + "/test/_SUCCESS").exists()) {
      KddData.prepare(spark, RealData.sharedData().resolve("kdd").toString(), root.toString());
    }
    return root.toString();
  }


  @Test
  void givenRawFiles_whenPrepared_thenKddHonestSplitsMatchTheProtocol() {
    String root = preparedKdd();
    Dataset<Row> train = spark.read().parquet(root + "/kdd/honest/train");
    Dataset<Row> val = spark.read().parquet(root + "/kdd/honest/val");
    Dataset<Row> test = spark.read().parquet(root + "/kdd/honest/test");
    assertEquals(97_278, train.count());
    assertEquals(0, train.filter(col("label").notEqual(0)).count());
    // corrected.gz has 311,029 lines: indices 0, 5, ... go to validation.
    assertEquals(62_206, val.count());
    assertEquals(248_823, test.count());
    assertEquals(0, val.filter("row_index % 5 != 0").count());
    assertEquals(0, test.filter("row_index % 5 = 0").count());
    assertEquals(250_436, val.filter("label = 1").count() + test.filter("label = 1").count());
    // Novel attack types are labelled 1 (unlike deepad-8020) and categorised as such.
    assertEquals(18_729, val.filter("category = 'novel'").count() + test.filter("category = 'novel'").count());
    assertEquals(0, val.unionByName(test).filter("category = 'novel' AND label = 0").count());
  }

  @Test
  void givenReferenceSplitFiles_whenPrepared_thenDeepadTablesKeepTheirLabels() {
    String root = preparedKdd();
    Dataset<Row> test = spark.read().parquet(root + "/kdd/deepad-8020/test");
    Dataset<Row> val = spark.read().parquet(root + "/kdd/deepad-8020/val");
    assertEquals(8_000, test.filter("label = 0").count());
    assertEquals(2_000, test.filter("label = 1").count());
    assertEquals(15_864, val.filter("label = 0").count());
    assertEquals(46_341, val.filter("label = 1").count());
    assertEquals(KddData.REFERENCE_18.size() + 2, test.columns().length); // + label, source_file
  }

  @Test
  void givenRaggedLine_whenRead_thenErrorNamesFileLineAndFieldCount(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.csv");
    String good = "0,tcp,http,SF,1,2,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,0,1,0,0,1,1,1,0,0,0,0,0,0,0,normal.";
    Files.writeString(file, good + "\n" + good + "\n0,tcp,http\n");
    Exception e = assertThrows(Exception.class, () -> KddData.readRaw(spark, file.toString()).count());
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    assertTrue(t.getMessage().contains("bad.csv line 2 has 3 fields; KDD rows have 42"), t.getMessage());
  }
}
