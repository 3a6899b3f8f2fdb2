package io.vigil.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Every feature preparation step in one stage, one pass over the rows: numeric columns (optionally
 * log1p(max(x, 0))) and one-hot encoded categorical columns, scaled, straight into one vector. It computes the
 * numbers Spark ML's SQLTransformer → {@link TopCategories} → StringIndexer (frequency order, ties by value;
 * 'keep') → OneHotEncoder (no dropped slot) → VectorAssembler → StandardScaler / MinMaxScaler chain computed
 * (FeatureVectorizerTest compares them), without the four intermediate vector columns each of those stages
 * built and serialised per row.
 *
 * <p>Fitting is two aggregates: the numeric columns' mean, sample standard deviation, minimum and maximum with
 * each categorical column's null count, then every categorical column's value counts (at most maxCategories
 * per column reach the driver). A one-hot slot's mean and deviation follow from its count.
 */
public class FeatureVectorizer extends Estimator<FeatureVectorizerModel>
    implements FeatureVectorizerParams, DefaultParamsWritable {

  private final String uid;
  private final Declared declared;

  public FeatureVectorizer() {
    this(Identifiable$.MODULE$.randomUID("featureVectorizer"));
  }

  public FeatureVectorizer(String uid) {
    this.uid = uid;
    this.declared = new Declared(this);
  }

  @Override public String uid() { return uid; }
  @Override public Declared declared() { return declared; }

  public FeatureVectorizer setNumericCols(String... v) { set(numericCols(), v); return this; }
  public FeatureVectorizer setCategoricalCols(String... v) { set(categoricalCols(), v); return this; }
  public FeatureVectorizer setLog1pCols(String... v) { set(log1pCols(), v); return this; }
  public FeatureVectorizer setScaler(String v) { set(scaler(), v); return this; }
  public FeatureVectorizer setMaxCategories(int v) { set(maxCategories(), v); return this; }
  public FeatureVectorizer setOutputCol(String v) { set(outputCol(), v); return this; }

  /** A numeric column as the former SQLTransformer read it: a double, log1p(max(x, 0)) when asked. */
  static Column numericValue(String column, boolean log1p) {
    Column x = col("`" + column + "`").cast("double");
    return log1p ? log1p(greatest(x, lit(0.0))) : x;
  }

  @Override
  public FeatureVectorizerModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String[] numeric = getNumericCols();
    String[] categorical = getCategoricalCols();
    List<String> log1pCols = Arrays.asList(getLog1pCols());
    List<Column> aggregates = new ArrayList<>();
    for (String c : numeric) {
      Column x = numericValue(c, log1pCols.contains(c));
      aggregates.addAll(List.of(avg(x), stddev_samp(x), min(x), max(x)));
    }
    for (String c : categorical) {
      aggregates.add(count(col("`" + c + "`")));
    }
    Row stats = dataset.agg(count(lit(1)), aggregates.toArray(new Column[0])).first();
    long n = stats.getLong(0);
    if (n == 0) {
      throw new IllegalArgumentException("FeatureVectorizer was given no training rows to fit on.");
    }
    FeatureLayout layout = new FeatureLayout();
    layout.numeric = numeric;
    layout.log1p = new boolean[numeric.length];
    layout.shift = new double[numeric.length];
    layout.factor = new double[numeric.length];
    layout.constant = new boolean[numeric.length];
    layout.constantValue = 0.5;
    SlotScaler scale = new SlotScaler(getScaler());
    for (int i = 0; i < numeric.length; i++) {
      int at = 1 + 4 * i;
      layout.log1p[i] = log1pCols.contains(numeric[i]);
      double[] slot = scale.slot(stats.getDouble(at), stats.isNullAt(at + 1) ? 0.0 : stats.getDouble(at + 1),
          stats.getDouble(at + 2), stats.getDouble(at + 3));
      layout.shift[i] = slot[0];
      layout.factor[i] = slot[1];
      layout.constant[i] = slot[2] != 0;
    }
    layout.categorical = categorical;
    layout.labels = new String[categorical.length][];
    layout.kept = new String[categorical.length][];
    layout.cold = new double[categorical.length][];
    layout.hot = new double[categorical.length][];
    Map<Integer, List<Row>> counts = valueCounts(dataset, categorical, getMaxCategories());
    for (int c = 0; c < categorical.length; c++) {
      long nonNull = stats.getLong(1 + 4 * numeric.length + c);
      encode(layout, c, counts.getOrDefault(c, List.of()), nonNull, n, scale);
    }
    FeatureVectorizerModel model = new FeatureVectorizerModel(uid, layout);
    copyValues(model, ParamMap.empty());
    return model.setParent(this);
  }

  /**
   * Each categorical column's non-null value counts (column index → rows of (i, v, count)), most frequent first,
   * ties by value; with a cap, only the first {@code cap} of each column. One aggregate over all the columns.
   */
  private static Map<Integer, List<Row>> valueCounts(Dataset<?> dataset, String[] categorical, int cap) {
    Map<Integer, List<Row>> out = new LinkedHashMap<>();
    if (categorical.length == 0) {
      return out;
    }
    Column[] pairs = new Column[categorical.length];
    for (int c = 0; c < categorical.length; c++) {
      pairs[c] = struct(lit(c).as("i"), col("`" + categorical[c] + "`").cast("string").as("v"));
    }
    Dataset<Row> counts = dataset.select(explode(array(pairs)).as("p")).select(col("p.i").as("i"), col("p.v").as("v"))
        .where(col("v").isNotNull()).groupBy("i", "v").count();
    if (cap > 0) {
      counts = counts.withColumn("rank", row_number().over(Window.partitionBy("i")
          .orderBy(col("count").desc(), col("v")))).where(col("rank").leq(cap)).drop("rank");
    }
    for (Row r : counts.collectAsList()) {
      out.computeIfAbsent(r.getInt(0), k -> new ArrayList<>()).add(r);
    }
    Comparator<Row> order = Comparator.<Row>comparingLong(r -> -r.getLong(2)).thenComparing(r -> r.getString(1));
    out.values().forEach(rows -> rows.sort(order));
    return out;
  }

  /**
   * Column {@code c}'s labels and slot values from its (capped) value counts: the kept values, plus 'other' for
   * the rest of the non-null rows when there are any, in StringIndexer's order (frequency, then value), then
   * the unknown slot, which the training rows reach only with a null.
   */
  private void encode(FeatureLayout layout, int c, List<Row> top, long nonNull, long n, SlotScaler scale) {
    Map<String, Long> labelCounts = new LinkedHashMap<>();
    long keptRows = 0;
    for (Row r : top) {
      labelCounts.put(r.getString(1), r.getLong(2));
      keptRows += r.getLong(2);
    }
    boolean capped = getMaxCategories() > 0;
    layout.kept[c] = capped ? labelCounts.keySet().toArray(new String[0]) : null;
    if (capped && nonNull > keptRows) {
      labelCounts.put(TopCategories.OTHER, nonNull - keptRows);
    }
    List<Map.Entry<String, Long>> labels = new ArrayList<>(labelCounts.entrySet());
    labels.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    int slots = labels.size() + 1;
    layout.labels[c] = labels.stream().map(Map.Entry::getKey).toArray(String[]::new);
    layout.cold[c] = new double[slots];
    layout.hot[c] = new double[slots];
    for (int s = 0; s < slots; s++) {
      long ones = s < labels.size() ? labels.get(s).getValue() : n - nonNull;
      double mean = (double) ones / n;
      double std = n > 1 ? Math.sqrt((double) ones * (n - ones) / ((double) n * (n - 1))) : 0.0;
      double[] slot = scale.slot(mean, std, ones == n ? 1.0 : 0.0, ones > 0 ? 1.0 : 0.0);
      layout.cold[c][s] = scale.apply(slot, 0.0);
      layout.hot[c][s] = scale.apply(slot, 1.0);
    }
  }

  /** One slot's scaling from its training mean, sample deviation, minimum and maximum, as Spark's scalers do. */
  private record SlotScaler(String kind) {
    /** {shift, factor, constant (1) or not (0)}. */
    double[] slot(double mean, double std, double lo, double hi) {
      switch (kind) {
        case FeaturePipeline.STANDARD:
          return new double[] {mean, std != 0.0 ? 1.0 / std : 0.0, 0};
        case FeaturePipeline.MINMAX:
          double range = hi - lo;
          return range != 0.0 ? new double[] {lo, 1.0 / range, 0} : new double[] {0.0, 0.0, 1};
        default:
          return new double[] {0.0, 1.0, 0};
      }
    }

    double apply(double[] slot, double x) {
      return slot[2] != 0 ? 0.5 : (x - slot[0]) * slot[1];
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return FeatureVectorizerModel.checkedSchema(this, schema, -1, null);
  }

  @Override
  public FeatureVectorizer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<FeatureVectorizer> read() { return new DefaultParamsReader<>(); }

  public static FeatureVectorizer load(String path) { return read().load(path); }
}
