package io.vigil.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepared NAB series have the rows, labelled shares and windows SOURCE.md gives. */
@Tag("realdata")
class NabDataTest extends SparkTestBase {

  @Test
  void givenTheThreeSeries_whenPrepared_thenRowsLabelsWindowsAndTheRepeatedHourAreAsInSource(@TempDir Path out) {
    Map<String, Long> counts = NabData.prepare(spark, RealData.sharedData().resolve("nab").toString(), out.toString());
    assertEquals(Map.of("machine_temperature_system_failure", 22_695L, "nyc_taxi", 10_320L,
        "ambient_temperature_system_failure", 7_267L), counts);
    Map<String, long[]> expected = Map.of("machine_temperature_system_failure", new long[] {2268, 4},
        "nyc_taxi", new long[] {1035, 5}, "ambient_temperature_system_failure", new long[] {726, 2});
    for (String series : NabData.SERIES) {
      Dataset<Row> t = spark.read().parquet(out.resolve("nab/" + series).toString());
      assertEquals(expected.get(series)[0], t.where("label = 1").count(), series);
      assertEquals(expected.get(series)[1], t.where("window_id IS NOT NULL").select("window_id").distinct().count(),
          series);
      assertEquals(0, t.where("(label = 1) != (window_id IS NOT NULL)").count());
      assertEquals(counts.get(series), t.select("row_index").distinct().count());
    }
    // The machine temperature file repeats 02:00..02:55 of 2014-01-07 (the second 02:00 is data row 10149);
    // both copies are kept, in file order.
    Dataset<Row> machine = spark.read().parquet(out.resolve("nab/machine_temperature_system_failure").toString());
    assertEquals(2, machine.where("timestamp = TIMESTAMP '2014-01-07 02:00:00'").count());
    assertEquals(10_149, machine.where("timestamp = TIMESTAMP '2014-01-07 02:00:00'").agg(
        org.apache.spark.sql.functions.max("row_index")).first().getLong(0));
  }

  @Test
  void givenWindowsWithoutTheSeries_whenPrepared_thenTheErrorNamesTheFile(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src);
    for (String s : NabData.SERIES) {
      Files.copy(RealData.sharedData().resolve("nab/" + s + ".csv"), src.resolve(s + ".csv"));
    }
    Files.writeString(src.resolve(NabData.WINDOWS_FILE), "{\"realKnownCause/nyc_taxi.csv\": []}");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> NabData.prepare(spark, src.toString(), dir.resolve("out").toString()));
    assertTrue(e.getMessage().contains("machine_temperature_system_failure.csv"), e.getMessage());
  }
}
