package io.vigil.threshold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * An alarm on a stream of anomaly scores that needs no label and no fixed threshold: the anomaly likelihood
 * of Ahmad, Lavin, Purdy and Agha ("Unsupervised real-time anomaly detection for streaming data",
 * Neurocomputing 2017; the post-processing behind NAB's numenta HTM), applied to any detector's score.
 *
 * <p>Per entity in time order, row t's z = (mean of the last {@code shortWindow} scores − mean of the last
 * {@code longWindow}) / their standard deviation; the row is red when its Gaussian tail probability
 * Q(z) ≤ {@code tailProbability} (the paper's ε; likelihood 1 − Q(z) ≥ 1 − ε). A red row raises an alarm
 * unless a red row lies in the {@code quietRows} rows before it: one alarm per incident, not one per row of a
 * score that stays high while a window holds the anomaly. Only the row and earlier rows are read (causal),
 * so an alarm means the same in a one-shot run and in a stream. Rows before an entity's
 * {@code minRows}-th never alarm (too few scores to compare with).
 *
 * <p>A detector whose score at a row reads later rows (windowed with windowScore max or mean) is not
 * causal, whatever this does; pair it with windowScore = last.
 */
public class LikelihoodAlarm extends Transformer implements DefaultParamsWritable {

  private final String uid;
  private final Param<String> scoreCol;
  private final Param<String> entityCol;
  private final Param<String> orderCol;
  private final Param<String> alarmCol;
  private final Param<String> zCol;
  private final IntParam longWindow;
  private final IntParam shortWindow;
  private final DoubleParam tailProbability;
  private final IntParam quietRows;
  private final IntParam minRows;

  public LikelihoodAlarm() {
    this(Identifiable$.MODULE$.randomUID("likelihoodAlarm"));
  }

  public LikelihoodAlarm(String uid) {
    this.uid = uid;
    scoreCol = new Param<>(this, "scoreCol", "the anomaly score column (higher = more anomalous)");
    entityCol = new Param<>(this, "entityCol", "column naming the series a row belongs to; empty = one series");
    orderCol = new Param<>(this, "orderCol", "column ordering a series' rows in time");
    alarmCol = new Param<>(this, "alarmCol", "output: 1 on a row that raises an alarm, else 0");
    zCol = new Param<>(this, "zCol", "output: the row's z (short mean vs long mean, in long standard deviations)");
    longWindow = new IntParam(this, "longWindow", "rows whose scores' mean and standard deviation z is measured"
        + " against (the paper's W), >= 2", ParamValidators.gtEq(2));
    shortWindow = new IntParam(this, "shortWindow", "rows averaged into the current score (the paper's W'), >= 1",
        ParamValidators.gtEq(1));
    tailProbability = new DoubleParam(this, "tailProbability", "a row is red when its z's Gaussian tail"
        + " probability is at most this (the paper's epsilon), in (0, 0.5)", ParamValidators.inRange(0, 0.5, false,
        false));
    quietRows = new IntParam(this, "quietRows", "a red row raises an alarm only if none of the rows this many"
        + " before it is red; 0 = every red row alarms", ParamValidators.gtEq(0));
    minRows = new IntParam(this, "minRows", "an entity's rows before this many never alarm, >= 2",
        ParamValidators.gtEq(2));
    setDefault(scoreCol, "score");
    setDefault(entityCol, "");
    setDefault(orderCol, "timestamp");
    setDefault(alarmCol, "alarm");
    setDefault(zCol, "alarm_z");
    // the paper's settings (W = 8640 rows, 30 days of 5-minute rows; W' = 10; epsilon = 1e-5)
    setDefault(longWindow, 8640);
    setDefault(shortWindow, 10);
    setDefault(tailProbability, 1e-5);
    setDefault(quietRows, 0);
    setDefault(minRows, 100);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> scoreCol() { return scoreCol; }
  public Param<String> entityCol() { return entityCol; }
  public Param<String> orderCol() { return orderCol; }
  public Param<String> alarmCol() { return alarmCol; }
  public Param<String> zCol() { return zCol; }
  public IntParam longWindow() { return longWindow; }
  public IntParam shortWindow() { return shortWindow; }
  public DoubleParam tailProbability() { return tailProbability; }
  public IntParam quietRows() { return quietRows; }
  public IntParam minRows() { return minRows; }

  public LikelihoodAlarm setScoreCol(String v) { set(scoreCol, v); return this; }
  public LikelihoodAlarm setEntityCol(String v) { set(entityCol, v); return this; }
  public LikelihoodAlarm setOrderCol(String v) { set(orderCol, v); return this; }
  public LikelihoodAlarm setAlarmCol(String v) { set(alarmCol, v); return this; }
  public LikelihoodAlarm setZCol(String v) { set(zCol, v); return this; }
  public LikelihoodAlarm setLongWindow(int v) { set(longWindow, v); return this; }
  public LikelihoodAlarm setShortWindow(int v) { set(shortWindow, v); return this; }
  public LikelihoodAlarm setTailProbability(double v) { set(tailProbability, v); return this; }
  public LikelihoodAlarm setQuietRows(int v) { set(quietRows, v); return this; }
  public LikelihoodAlarm setMinRows(int v) { set(minRows, v); return this; }

  public int getLongWindow() { return (Integer) $(longWindow); }
  public int getShortWindow() { return (Integer) $(shortWindow); }
  public double getTailProbability() { return (Double) $(tailProbability); }
  public int getQuietRows() { return (Integer) $(quietRows); }
  public int getMinRows() { return (Integer) $(minRows); }

  /** The z at and above which a row is red: the Gaussian's (1 - tailProbability) quantile. */
  public double redZ() {
    return new NormalDistribution().inverseCumulativeProbability(1 - getTailProbability());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String entity = $(entityCol);
    WindowSpec inOrder = entity.isEmpty() ? Window.orderBy(col($(orderCol)))
        : Window.partitionBy(col(entity)).orderBy(col($(orderCol)));
    WindowSpec upToHere = inOrder.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    String p = io.vigil.features.FeaturePipeline.TEMP_PREFIX + "alarm_";
    int longRows = getLongWindow();
    // The long window's sum and sum of squares as differences of running sums: Spark recomputes a sliding
    // frame's aggregate for every row (rows x longWindow work), a running sum and a lag are one pass.
    Column score = col($(scoreCol)).cast(DataTypes.DoubleType);
    Dataset<Row> sums = dataset.toDF()
        .withColumn(p + "n", row_number().over(inOrder))
        .withColumn(p + "s", sum(score).over(upToHere))
        .withColumn(p + "q", sum(score.multiply(score)).over(upToHere));
    Column k = least(col(p + "n"), lit(longRows)).cast(DataTypes.DoubleType);
    Column windowSum = col(p + "s").minus(coalesce(lag(col(p + "s"), longRows).over(inOrder), lit(0.0)));
    Column windowSquares = col(p + "q").minus(coalesce(lag(col(p + "q"), longRows).over(inOrder), lit(0.0)));
    Column longMean = windowSum.divide(k);
    // sample variance; rounding can leave a tiny negative for a constant score
    Column longVar = greatest(lit(0.0), windowSquares.minus(windowSum.multiply(windowSum).divide(k))
        .divide(k.minus(1)));
    Column shortMean = avg(score).over(inOrder.rowsBetween(1 - getShortWindow(), 0));
    String z = $(zCol);
    Dataset<Row> withZ = sums
        .withColumn(p + "v", longVar)
        .withColumn(z, when(col(p + "n").gt(1).and(col(p + "v").gt(0)),
            shortMean.minus(longMean).divide(sqrt(col(p + "v")))).otherwise(lit(0.0)))
        .withColumn(p + "red", when(col(p + "n").geq(getMinRows()).and(col(z).geq(redZ())), 1).otherwise(0));
    Column alarm = col(p + "red").equalTo(1);
    if (getQuietRows() > 0) {
      // red rows among the quietRows before this one, again as a difference of running counts
      Dataset<Row> counted = withZ.withColumn(p + "r", sum(col(p + "red")).over(upToHere));
      Column before = coalesce(lag(col(p + "r"), 1).over(inOrder), lit(0L))
          .minus(coalesce(lag(col(p + "r"), getQuietRows() + 1).over(inOrder), lit(0L)));
      withZ = counted;
      alarm = alarm.and(before.equalTo(0));
    }
    return withZ.withColumn($(alarmCol), when(alarm, 1).otherwise(0))
        .drop(p + "n", p + "s", p + "q", p + "v", p + "red", p + "r");
  }

  @Override
  public StructType transformSchema(StructType schema) {
    List<String> names = List.of(schema.fieldNames());
    for (Param<String> p : List.of(scoreCol, orderCol)) {
      if (!names.contains($(p))) {
        throw new IllegalArgumentException(String.format("LikelihoodAlarm: %s '%s' is not a column of the input;"
            + " columns: %s.", p.name(), $(p), String.join(", ", names)));
      }
    }
    if (!$(entityCol).isEmpty() && !names.contains($(entityCol))) {
      throw new IllegalArgumentException(String.format("LikelihoodAlarm: entityCol '%s' is not a column of the"
          + " input; columns: %s.", $(entityCol), String.join(", ", names)));
    }
    if (!(schema.apply($(scoreCol)).dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(String.format("LikelihoodAlarm: scoreCol '%s' must be numeric, not %s.",
          $(scoreCol), schema.apply($(scoreCol)).dataType().simpleString()));
    }
    if (getShortWindow() > getLongWindow()) {
      throw new IllegalArgumentException(String.format("LikelihoodAlarm: shortWindow %d is longer than longWindow"
          + " %d.", getShortWindow(), getLongWindow()));
    }
    for (Param<String> p : List.of(alarmCol, zCol)) {
      if (names.contains($(p))) {
        throw new IllegalArgumentException(String.format("LikelihoodAlarm: output column %s '%s' already exists.",
            p.name(), $(p)));
      }
    }
    return schema.add($(zCol), DataTypes.DoubleType, false).add($(alarmCol), DataTypes.IntegerType, false);
  }

  @Override
  public LikelihoodAlarm copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static DefaultParamsReadable<LikelihoodAlarm> reader() {
    return new DefaultParamsReadable<LikelihoodAlarm>() {};
  }

  public static LikelihoodAlarm load(String path) {
    return reader().load(path);
  }
}
