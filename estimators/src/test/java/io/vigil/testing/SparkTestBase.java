package io.vigil.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] SparkSession for the whole test JVM (never one per test: start-up costs seconds). */
public abstract class SparkTestBase {

  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = session();
  }

  /** The score column of a scored synthetic dataset, in a fixed row order (label, then features). */
  public static double[] orderedScores(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> scored) {
    return scored.orderBy("label", "features").select("score").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
  }

  public static synchronized SparkSession session() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("vigil-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", io.vigil.core.VigilKryoRegistrator.REGISTRATORS)
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
