package io.vigil.datasets;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A seeded, realistic card-transaction table to try Vigil on as on one's own: one row per transaction with
 * an id, a card id, a timestamp and a date partition, amounts and item counts, categorical columns of low
 * (device, merchant category), medium (country) and high (merchant, about 3,000 values) cardinality, and
 * injected anomalies of three kinds:
 * <ul>
 *   <li>{@code amount_spike}: a normal-looking transaction whose amount is 40 to 200 times its usual size;</li>
 *   <li>{@code rare_category_burst}: on four dates, a burst of web purchases at merchants never seen before,
 *       from a country no card lives in;</li>
 *   <li>{@code impossible_combination}: ATM withdrawals made on the web, or fuel bought 20 to 40 items at a
 *       time.</li>
 * </ul>
 * {@code is_injected} (0/1) and {@code anomaly_kind} say which rows were injected: kept for evaluating
 * afterwards only; the example config keeps them out of the features. Every value is a function of the seed
 * and the row number, so the table is the same on any cluster.
 */
public final class DemoTransactions {

  public static final StructType SCHEMA = StructType.fromDDL("txn_id STRING NOT NULL, card_id STRING NOT NULL,"
      + " ts TIMESTAMP NOT NULL, txn_date DATE NOT NULL, amount DOUBLE NOT NULL, n_items INT NOT NULL,"
      + " hour_of_day INT NOT NULL, merchant STRING NOT NULL, merchant_category STRING NOT NULL,"
      + " country STRING NOT NULL, device STRING NOT NULL, is_injected INT NOT NULL, anomaly_kind STRING");

  static final String[] CATEGORIES = {"grocery", "fuel", "restaurant", "retail", "travel", "online_services",
      "electronics", "pharmacy", "atm", "entertainment", "utilities", "clothing"};
  /** Mean of log(amount) per category (amounts are log-normal with sigma 0.6). */
  static final double[] LOG_AMOUNT = {3.5, 3.8, 3.3, 4.0, 6.0, 3.0, 5.5, 3.0, 4.6, 3.5, 4.5, 4.2};
  /** Mean items per transaction - 1, per category. */
  static final double[] EXTRA_ITEMS = {7, 0.2, 1.5, 2, 0.3, 0.1, 0.5, 1.5, 0, 1, 0, 1.5};
  static final String[] COUNTRIES = {"US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "PL", "CA", "MX", "BR", "JP",
      "AU", "IN", "IE", "PT", "BE", "AT", "CH"};
  /** The cumulative share of cards living in each country. */
  static final double[] COUNTRY_CDF = cdf(new double[] {40, 10, 8, 7, 5, 5, 4, 3, 3, 3, 2, 2, 2, 1.5, 1.5, 1, 1,
      0.5, 0.3, 0.2});
  static final int CARDS = 4000;
  static final int MERCHANTS_PER_CATEGORY = 250;
  /** Injected anomalies (amount spikes and impossible combinations) per row; bursts come on top on their days. */
  static final double ANOMALY_RATE = 0.006;
  static final double BURST_RATE = 0.02;

  private DemoTransactions() {}

  /**
   * Writes {@code days} days of {@code rowsPerDay} rows ending on {@code endDate} to {@code table}, partitioned
   * by {@code txn_date}, replacing it: an Iceberg table when the name is in the {@code vigil} catalog (or any
   * Iceberg catalog the session knows), else a Parquet table of Spark's session catalog ({@code saveAsTable}).
   * Returns the row count.
   */
  public static Map<String, Long> write(SparkSession spark, String table, LocalDate endDate, int days,
      int rowsPerDay, long seed) {
    if (days < 1 || rowsPerDay < 1) {
      throw new IllegalArgumentException("prepare.days and prepare.rowsPerDay must be >= 1, got " + days + " and "
          + rowsPerDay + ".");
    }
    Dataset<Row> rows = generate(spark, endDate, days, rowsPerDay, seed);
    String catalog = table.contains(".") ? table.substring(0, table.indexOf('.')) : "";
    boolean iceberg = spark.conf().contains("spark.sql.catalog." + catalog);
    if (iceberg) {
      if (table.split("\\.").length == 3) {
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + table.substring(0, table.lastIndexOf('.')));
      }
      rows.writeTo(table).using("iceberg").partitionedBy(col("txn_date"), scala.collection.JavaConverters.asScalaBuffer(java.util.List.<org.apache.spark.sql.Column>of()).toSeq())
          .tableProperty("comment", "Vigil demo card transactions (seeded; is_injected/anomaly_kind for evaluation only)")
          .createOrReplace();
    } else {
      rows.write().mode(SaveMode.Overwrite).format("parquet").partitionBy("txn_date").saveAsTable(table);
    }
    return Map.of(table, (long) days * rowsPerDay);
  }

  /** The rows, as a function of the seed and the row number only. */
  public static Dataset<Row> generate(SparkSession spark, LocalDate endDate, int days, int rowsPerDay, long seed) {
    long first = endDate.minusDays(days - 1).toEpochDay();
    MapFunction<Long, Row> row = i -> transaction(i, first + i / rowsPerDay, seed);
    return spark.range((long) days * rowsPerDay).as(Encoders.LONG()).map(row, org.apache.spark.sql.Encoders.row(SCHEMA))
        .repartition(Math.max(1, days / 10), col("txn_date"));
  }

  static Row transaction(long i, long epochDay, long seed) {
    Random r = new Random(mix(seed, i));
    int card = (int) Math.floor(CARDS * Math.pow(r.nextDouble(), 1.5));
    String home = COUNTRIES[pick(COUNTRY_CDF, new Random(mix(seed ^ 0x5eed, card)).nextDouble())];
    double u = r.nextDouble();
    String device = u < 0.55 ? "pos" : u < 0.85 ? "web" : "mobile";
    int category;
    do {
      category = r.nextInt(CATEGORIES.length);
    } while (!device.equals("pos") && (CATEGORIES[category].equals("atm") || CATEGORIES[category].equals("fuel")));
    String country = r.nextDouble() < 0.95 ? home : COUNTRIES[r.nextInt(COUNTRIES.length)];
    int merchantNo = (int) Math.floor(MERCHANTS_PER_CATEGORY * Math.pow(r.nextDouble(), 2));
    String merchant = CATEGORIES[category] + "_" + merchantNo;
    double amount = Math.exp(LOG_AMOUNT[category] + 0.6 * r.nextGaussian());
    if (CATEGORIES[category].equals("atm")) {
      amount = Math.max(20, 20 * Math.round(amount / 20));
    }
    int items = 1 + poisson(r, EXTRA_ITEMS[category]);
    int hour = device.equals("pos") ? (int) Math.max(6, Math.min(23, Math.round(14 + 4 * r.nextGaussian())))
        : r.nextInt(24);
    String kind = null;
    boolean burst = isBurstDay(epochDay) && r.nextDouble() < BURST_RATE;
    double a = r.nextDouble();
    if (burst) {
      kind = "rare_category_burst";
      device = "web";
      category = 6; // electronics
      merchant = "new_shop_" + r.nextInt(40);
      country = "AQ";
      amount = Math.exp(LOG_AMOUNT[category] + 0.6 * r.nextGaussian());
      items = 1 + poisson(r, EXTRA_ITEMS[category]);
    } else if (a < ANOMALY_RATE / 2) {
      kind = "amount_spike";
      amount *= 40 + 160 * r.nextDouble();
    } else if (a < ANOMALY_RATE) {
      kind = "impossible_combination";
      if (r.nextBoolean()) {
        category = 8; // an ATM withdrawal, on the web
        device = "web";
        amount = 20 * (1 + r.nextInt(25));
        items = 1;
      } else {
        category = 1; // fuel, 20 to 40 items at a time
        device = "pos";
        items = 20 + r.nextInt(21);
      }
      merchant = CATEGORIES[category] + "_" + merchantNo;
    }
    long seconds = epochDay * 86400L + hour * 3600L + r.nextInt(3600);
    return RowFactory.create("t" + i, "c" + card, Timestamp.from(java.time.Instant.ofEpochSecond(seconds)),
        java.sql.Date.valueOf(LocalDate.ofEpochDay(epochDay)), Math.round(amount * 100) / 100.0, items, hour,
        merchant, CATEGORIES[category], country, device, kind == null ? 0 : 1, kind);
  }

  /** Four burst dates in every 30 days. */
  static boolean isBurstDay(long epochDay) {
    long d = Math.floorMod(epochDay, 30);
    return d == 3 || d == 11 || d == 19 || d == 27;
  }

  private static int pick(double[] cdf, double u) {
    for (int k = 0; k < cdf.length; k++) {
      if (u < cdf[k]) {
        return k;
      }
    }
    return cdf.length - 1;
  }

  private static double[] cdf(double[] weights) {
    double total = java.util.Arrays.stream(weights).sum();
    double[] out = new double[weights.length];
    double run = 0;
    for (int k = 0; k < weights.length; k++) {
      run += weights[k] / total;
      out[k] = run;
    }
    return out;
  }

  private static int poisson(Random r, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    for (double p = r.nextDouble(); p > l; p *= r.nextDouble()) {
      k++;
    }
    return k;
  }

  /** A well-mixed hash of (seed, i) (SplitMix64's finaliser). */
  private static long mix(long seed, long i) {
    long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The default end of the demo's 90 days. */
  public static final LocalDate DEFAULT_END = LocalDate.of(2026, 3, 31);
}
