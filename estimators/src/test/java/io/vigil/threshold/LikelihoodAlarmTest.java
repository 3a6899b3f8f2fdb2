package io.vigil.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The likelihood alarm on score streams of two sensors, one with an incident (its score steps up for 50 rows). */
class LikelihoodAlarmTest extends SparkTestBase {

  @TempDir
  Path dir;

  static final StructType SCHEMA = new StructType().add("sensor", DataTypes.StringType)
      .add("t", DataTypes.LongType).add("score", DataTypes.DoubleType);

  /** 2,000 rows per sensor of noisy scores; sensor a's score is 8 standard deviations higher for t in [1500, 1550). */
  static Dataset<Row> scores(boolean incident) {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (String sensor : new String[] {"a", "b"}) {
      for (long t = 0; t < 2000; t++) {
        double v = 1 + 0.1 * random.nextGaussian() + (incident && sensor.equals("a") && t >= 1500 && t < 1550 ? 0.8 : 0);
        rows.add(RowFactory.create(sensor, t, v));
      }
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  static LikelihoodAlarm alarm() {
    return new LikelihoodAlarm().setEntityCol("sensor").setOrderCol("t").setLongWindow(1000).setQuietRows(100);
  }

  static List<Long> alarms(Dataset<Row> scored, String sensor) {
    return scored.where("alarm = 1 AND sensor = '" + sensor + "'").orderBy("t").select("t").collectAsList().stream()
        .map(r -> r.getLong(0)).toList();
  }

  @Test
  void givenAnIncident_whenAlarmed_thenOneAlarmAtItsStartAndNoneElsewhere() {
    Dataset<Row> scored = alarm().transform(scores(true));
    assertEquals(List.of("sensor", "t", "score", "alarm_z", "alarm"), List.of(scored.columns()));
    assertEquals(4000, scored.count());
    List<Long> a = alarms(scored, "a");
    assertEquals(1, a.size(), "one alarm per incident with quietRows 100: " + a);
    assertTrue(a.get(0) >= 1500 && a.get(0) < 1510, "raised within the short window's 10 rows: " + a);
    assertEquals(List.of(), alarms(scored, "b"), "the other sensor's stream is its own");
    // without the quiet rows, every red row of the incident alarms
    List<Long> every = alarms(alarm().setQuietRows(0).transform(scores(true)), "a");
    assertTrue(every.size() > 10 && every.stream().allMatch(t -> t >= 1500 && t < 1600), every.toString());
    // no incident, no alarm: epsilon 1e-5 over 4,000 rows of Gaussian noise
    assertEquals(0, alarm().transform(scores(false)).where("alarm = 1").count());
  }

  @Test
  void givenLaterRowsChanged_whenAlarmed_thenEarlierRowsZAndAlarmsAreTheSame() {
    // causal: the rows before the incident cannot tell whether it comes
    List<Row> with = alarm().transform(scores(true)).where("t < 1500").orderBy("sensor", "t")
        .select("alarm_z", "alarm").collectAsList();
    List<Row> without = alarm().transform(scores(false)).where("t < 1500").orderBy("sensor", "t")
        .select("alarm_z", "alarm").collectAsList();
    assertEquals(without, with);
    assertTrue(new LikelihoodAlarm().redZ() > 4.2 && new LikelihoodAlarm().redZ() < 4.3, "Q(z) = 1e-5 at z 4.26");
  }

  @Test
  void givenSavedAlarm_whenLoaded_thenSameParamsAndAlarms() throws Exception {
    String path = dir.resolve("alarm").toString();
    alarm().write().save(path);
    LikelihoodAlarm loaded = LikelihoodAlarm.load(path);
    assertEquals(1000, loaded.getLongWindow());
    assertEquals(100, loaded.getQuietRows());
    assertEquals(alarms(alarm().transform(scores(true)), "a"), alarms(loaded.transform(scores(true)), "a"));
  }

  @Test
  void givenMissingOrWrongColumns_whenTransformed_thenTheErrorNamesThem() {
    Dataset<Row> rows = scores(false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> alarm().setScoreCol("anomaly").transform(rows));
    assertTrue(e.getMessage().contains("scoreCol 'anomaly'") && e.getMessage().contains("sensor, t, score"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> alarm().setEntityCol("host").transform(rows));
    assertTrue(e.getMessage().contains("entityCol 'host'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> alarm().setScoreCol("sensor").transform(rows));
    assertTrue(e.getMessage().contains("must be numeric, not string"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> alarm().setAlarmCol("score").transform(rows));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> alarm().setShortWindow(2000).transform(rows));
    assertTrue(e.getMessage().contains("shortWindow 2000 is longer than longWindow 1000"), e.getMessage());
  }
}
