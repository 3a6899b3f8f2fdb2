package io.vigil.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The category cap of pipelines saved before {@link FeatureVectorizer} (which now caps as this stage did, in its
 * own pass); kept so that those pipelines load, score and count their 'other' rows. Caps a categorical column's width: each column keeps its {@code maxCategories} most frequent training
 * values (ties broken by value); every other value, seen in training or not, becomes {@link #OTHER}, which
 * one-hot encoding then gives one shared slot. Nothing is dropped: {@link TopCategoriesModel#otherCounts}
 * counts, per column, the rows that went to the shared slot, for the run's metrics. Output columns are
 * {@code _vigil_top_<column>}; the input columns are left as they are.
 */
public class TopCategories extends Estimator<TopCategories.TopCategoriesModel> implements DefaultParamsWritable {

  /** The value every category beyond the kept ones becomes. */
  public static final String OTHER = "__other__";

  private final String uid;
  private final StringArrayParam inputCols;
  private final IntParam maxCategories;

  public TopCategories() {
    this(Identifiable$.MODULE$.randomUID("topCategories"));
  }

  public TopCategories(String uid) {
    this.uid = uid;
    inputCols = new StringArrayParam(this, "inputCols", "categorical columns to cap");
    maxCategories = new IntParam(this, "maxCategories", "values each column keeps, its most frequent in the"
        + " training rows, >= 1; the rest share one 'other' slot", ParamValidators.gtEq(1));
    setDefault(maxCategories, 100);
  }

  @Override
  public String uid() {
    return uid;
  }

  public StringArrayParam inputCols() { return inputCols; }
  public IntParam maxCategories() { return maxCategories; }

  public TopCategories setInputCols(String... v) { set(inputCols, v); return this; }
  public TopCategories setMaxCategories(int v) { set(maxCategories, v); return this; }

  /** True on the rows whose {@code value} goes to the shared 'other' slot: not null, and not a {@code kept} value. */
  static Column otherCondition(Column value, Object[] kept) {
    Column v = value.cast("string");
    return v.isNotNull().and(v.isin(kept).unary_$bang());
  }

  /** The column a capped category is written to. */
  public static String outputCol(String column) {
    return FeaturePipeline.TEMP_PREFIX + "top_" + column;
  }

  @Override
  public TopCategoriesModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    int max = (Integer) getOrDefault(maxCategories);
    Map<String, List<String>> kept = new LinkedHashMap<>();
    for (String c : (String[]) getOrDefault(inputCols)) {
      // One small aggregate per column: at most maxCategories + 1 rows reach the driver.
      List<Row> top = dataset.where(col(c).isNotNull()).groupBy(col(c).cast("string").as("v")).count()
          .orderBy(col("count").desc(), col("v")).limit(max + 1).collectAsList();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < Math.min(max, top.size()); i++) {
        values.add(top.get(i).getString(0));
      }
      kept.put(c, values);
    }
    TopCategoriesModel model = new TopCategoriesModel(uid);
    copyValues(model, ParamMap.empty());
    model.set(model.kept(), TopCategoriesModel.JSON_WRITER.apply(kept));
    return model.setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return withOutputCols(schema, java.util.Arrays.asList((String[]) getOrDefault(inputCols)));
  }

  /** {@code schema} plus each column's capped output column; an error naming a column that is missing. */
  static StructType withOutputCols(StructType schema, java.util.Collection<String> columns) {
    StructType out = schema;
    for (String c : columns) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException("Categorical column '" + c + "' not found in "
            + java.util.Arrays.toString(schema.fieldNames()) + ".");
      }
      out = out.add(outputCol(c), DataTypes.StringType, true);
    }
    return out;
  }

  @Override
  public TopCategories copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<TopCategories> read() { return new DefaultParamsReader<>(); }

  public static TopCategories load(String path) { return read().load(path); }

  /** The fitted caps: each column's kept values (a JSON param, so Spark's default persistence saves it). */
  public static class TopCategoriesModel extends Model<TopCategoriesModel> implements DefaultParamsWritable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final java.util.function.Function<Map<String, List<String>>, String> JSON_WRITER = m -> {
      try {
        return JSON.writeValueAsString(m);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };

    private final String uid;
    private final StringArrayParam inputCols;
    private final IntParam maxCategories;
    private final Param<String> kept;

    public TopCategoriesModel(String uid) {
      this.uid = uid;
      inputCols = new StringArrayParam(this, "inputCols", "categorical columns to cap");
      maxCategories = new IntParam(this, "maxCategories", "values each column keeps", ParamValidators.gtEq(1));
      kept = new Param<>(this, "kept", "JSON: each column's kept values, most frequent first (set by fit)");
    }

    @Override
    public String uid() {
      return uid;
    }

    public StringArrayParam inputCols() { return inputCols; }
    public IntParam maxCategories() { return maxCategories; }
    public Param<String> kept() { return kept; }

    /** Each column's kept values, most frequent first. */
    public Map<String, List<String>> keptValues() {
      try {
        return JSON.readValue(getOrDefault(kept), new TypeReference<LinkedHashMap<String, List<String>>>() {});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Column capped(String c, List<String> values) {
      Column v = col(c).cast("string");
      return when(v.isNull(), lit(null).cast("string")).when(v.isin(values.toArray()), v).otherwise(lit(OTHER));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
      transformSchema(dataset.schema());
      Dataset<Row> out = dataset.toDF();
      for (Map.Entry<String, List<String>> e : keptValues().entrySet()) {
        out = out.withColumn(outputCol(e.getKey()), capped(e.getKey(), e.getValue()));
      }
      return out;
    }

    /** Per column, a condition that holds on the rows whose value goes to the shared 'other' slot. */
    public Map<String, Column> otherConditions() {
      Map<String, Column> out = new LinkedHashMap<>();
      keptValues().forEach((c, values) -> out.put(c, otherCondition(col(c), values.toArray())));
      return out;
    }

    /** Rows of {@code dataset} whose value went to the shared 'other' slot, per column (one aggregate pass). */
    public Map<String, Long> otherCounts(Dataset<?> dataset) {
      return FeatureVectorizerModel.countWhere(dataset, otherConditions());
    }

    @Override
    public StructType transformSchema(StructType schema) {
      return withOutputCols(schema, keptValues().keySet());
    }

    @Override
    public TopCategoriesModel copy(ParamMap extra) {
      return copyValues(new TopCategoriesModel(uid), extra).setParent(parent());
    }

    public static MLReader<TopCategoriesModel> read() { return new DefaultParamsReader<>(); }

    public static TopCategoriesModel load(String path) { return read().load(path); }
  }
}
