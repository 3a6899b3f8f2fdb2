package io.vigil.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.stat.Summarizer;
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
 * 'keep') → OneHotEncoder (no dropped slot) → VectorAssembler → StandardScaler / MinMaxScaler chain computed,
 * bit for bit (FeatureVectorizerTest compares them), without the four intermediate vector columns each of those
 * stages built and serialised per row.
 *
 * <p>Fitting is two passes: every categorical column's value counts in one aggregate (at most maxCategories per
 * column reach the driver), then, unless the scaler is 'none', Spark's {@link Summarizer} over the unscaled
 * vectors, compressed as VectorAssembler left them: the scalers' own statistics over the same vectors, so the
 * same means and deviations to the last bit (an average computed otherwise differs there, and a detector that
 * samples rows by their bytes, as the one-class SVM does, would then draw another sample).
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

  @Override
  public FeatureVectorizerModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    if (dataset.isEmpty()) {
      throw new IllegalArgumentException("FeatureVectorizer was given no training rows to fit on.");
    }
    String[] numeric = getNumericCols();
    String[] categorical = getCategoricalCols();
    List<String> log1pCols = Arrays.asList(getLog1pCols());
    FeatureLayout layout = new FeatureLayout();
    layout.numeric = numeric;
    layout.log1p = new boolean[numeric.length];
    for (int i = 0; i < numeric.length; i++) {
      layout.log1p[i] = log1pCols.contains(numeric[i]);
    }
    layout.categorical = categorical;
    layout.labels = new String[categorical.length][];
    layout.kept = new String[categorical.length][];
    Map<Integer, List<Row>> counts = valueCounts(dataset, categorical, getMaxCategories());
    for (int c = 0; c < categorical.length; c++) {
      label(layout, c, counts.getOrDefault(c, List.of()));
    }
    double[] unused = new double[layout.width()]; // 'none' reads no statistics
    scale(layout, FeaturePipeline.NONE, unused, unused, unused, unused);
    if (!getScaler().equals(FeaturePipeline.NONE)) {
      String raw = FeaturePipeline.TEMP_PREFIX + "raw_features";
      FeatureVectorizerModel unscaled = new FeatureVectorizerModel(uid, layout);
      copyValues(unscaled, ParamMap.empty());
      unscaled.set(unscaled.scaler(), FeaturePipeline.NONE).set(unscaled.outputCol(), raw);
      Row stats = unscaled.transform(dataset).select(Summarizer.metrics("mean", "std", "min", "max")
          .summary(col(raw)).as("s")).select("s.mean", "s.std", "s.min", "s.max").first();
      scale(layout, getScaler(), ((Vector) stats.get(0)).toArray(), ((Vector) stats.get(1)).toArray(),
          ((Vector) stats.get(2)).toArray(), ((Vector) stats.get(3)).toArray());
    }
    FeatureVectorizerModel model = new FeatureVectorizerModel(uid, layout);
    copyValues(model, ParamMap.empty());
    return model.setParent(this);
  }

  /**
   * Each categorical column's non-null value counts (column index → rows of (i, v, count, non-null rows of the
   * column)), most frequent first, ties by value; with a cap, only the first {@code cap} of each column. One
   * aggregate over all the columns.
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
        .where(col("v").isNotNull()).groupBy("i", "v").count()
        .withColumn("nonNull", sum("count").over(Window.partitionBy("i")));
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
   * Column {@code c}'s labels from its (capped) value counts: the kept values, plus 'other' for the rest of the
   * non-null rows when there are any, in StringIndexer's order (frequency, then value); the unknown slot after
   * them is reached by the training rows only with a null.
   */
  private void label(FeatureLayout layout, int c, List<Row> top) {
    Map<String, Long> labelCounts = new LinkedHashMap<>();
    long keptRows = 0;
    for (Row r : top) {
      labelCounts.put(r.getString(1), r.getLong(2));
      keptRows += r.getLong(2);
    }
    long nonNull = top.isEmpty() ? 0 : top.get(0).getLong(3);
    boolean capped = getMaxCategories() > 0;
    layout.kept[c] = capped ? labelCounts.keySet().toArray(new String[0]) : null;
    if (capped && nonNull > keptRows) {
      labelCounts.put(TopCategories.OTHER, nonNull - keptRows);
    }
    List<Map.Entry<String, Long>> labels = new ArrayList<>(labelCounts.entrySet());
    labels.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    layout.labels[c] = labels.stream().map(Map.Entry::getKey).toArray(String[]::new);
  }

  /**
   * Sets every slot's scaling from its training statistics (ignored by 'none') as Spark's scalers do:
   * StandardScaler {@code (x - mean) * (1 / std)} (factor 0 for a constant slot), MinMaxScaler
   * {@code (x - min) * (1 / range) + 0.0} (0.5 for a constant slot). A one-hot slot's two values, of a 0 and of
   * a 1, are computed once.
   */
  private static void scale(FeatureLayout layout, String scaler, double[] mean, double[] std, double[] min,
      double[] max) {
    int numeric = layout.numeric.length;
    double[] shift = new double[layout.width()];
    double[] factor = new double[shift.length];
    boolean[] constant = new boolean[shift.length];
    for (int j = 0; j < shift.length; j++) {
      switch (scaler) {
        case FeaturePipeline.STANDARD -> {
          shift[j] = mean[j];
          factor[j] = std[j] != 0.0 ? 1.0 / std[j] : 0.0;
        }
        case FeaturePipeline.MINMAX -> {
          double range = max[j] - min[j];
          shift[j] = min[j];
          factor[j] = range != 0.0 ? 1.0 / range : 0.0;
          constant[j] = range == 0.0;
        }
        default -> {
          shift[j] = 0.0;
          factor[j] = 1.0;
        }
      }
    }
    layout.constantValue = 0.5;
    layout.offset = scaler.equals(FeaturePipeline.MINMAX) ? 0.0 : -0.0;
    layout.shift = Arrays.copyOf(shift, numeric);
    layout.factor = Arrays.copyOf(factor, numeric);
    layout.constant = Arrays.copyOf(constant, numeric);
    layout.cold = new double[layout.categorical.length][];
    layout.hot = new double[layout.categorical.length][];
    int at = numeric;
    for (int c = 0; c < layout.categorical.length; c++) {
      int slots = layout.labels[c].length + 1;
      layout.cold[c] = new double[slots];
      layout.hot[c] = new double[slots];
      for (int s = 0; s < slots; s++, at++) {
        layout.cold[c][s] = constant[at] ? layout.constantValue : (0.0 - shift[at]) * factor[at] + layout.offset;
        layout.hot[c][s] = constant[at] ? layout.constantValue : (1.0 - shift[at]) * factor[at] + layout.offset;
      }
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
