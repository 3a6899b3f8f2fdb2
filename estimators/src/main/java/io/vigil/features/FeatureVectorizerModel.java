package io.vigil.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.core.Explanations;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.core.RowBatches;
import io.vigil.core.Schemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NumericAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link FeatureVectorizer}: appends the feature vector column, computed from the input columns in one
 * map over Spark's internal rows (no conversion to external rows, no intermediate vectors). The vector's ML
 * attributes name its slots. Saved by Spark's default params writer: the {@link FeatureLayout} is a JSON param.
 */
public class FeatureVectorizerModel extends Model<FeatureVectorizerModel>
    implements FeatureVectorizerParams, DefaultParamsWritable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VectorUDT VECTORS = new VectorUDT();

  private final String uid;
  private final Declared declared;
  private final Param<String> layout;
  private transient FeatureLayout parsed;

  /** For Spark's reader (the layout is set from the saved params). */
  public FeatureVectorizerModel(String uid) {
    this.uid = uid;
    this.declared = new Declared(this);
    this.layout = new Param<>(this, "layout", "JSON: the fitted FeatureLayout (slot scaling and category labels)");
  }

  FeatureVectorizerModel(String uid, FeatureLayout fitted) {
    this(uid);
    try {
      set(layout, JSON.writeValueAsString(fitted));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // parsed again from the JSON on first use, as after a load: a fresh model and a loaded one read the same
    // numbers, and changes to the fitter's layout object after this point do not reach it.
  }

  @Override public String uid() { return uid; }
  @Override public Declared declared() { return declared; }
  public Param<String> layout() { return layout; }

  /** The fitted layout. */
  public FeatureLayout getLayout() {
    if (parsed == null) {
      try {
        parsed = JSON.readValue(getOrDefault(layout), FeatureLayout.class);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the feature layout of " + uid + ": " + e.getMessage(), e);
      }
    }
    return parsed;
  }

  /** The input column categorical column {@code c} is read from: itself, or a cast to string of it. */
  private static String stringColumn(String c) {
    return FeaturePipeline.TEMP_PREFIX + "string_" + c;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Reading reading = new Reading(dataset);
    FeatureLayout fitted = reading.fitted;
    int width = fitted.width();
    // As the former last stage left it: StandardScaler writes dense vectors, MinMaxScaler and VectorAssembler
    // compressed ones (sparse when that is smaller). Same values either way; the same bytes too, which matters
    // to a detector that orders rows by their bytes before sampling (the one-class SVM).
    boolean dense = getScaler().equals(FeaturePipeline.STANDARD);
    RowBatches.FeatureReader features = reading.reader();
    JavaRDD<InternalRow> rows = reading.in.queryExecution().toRdd().toJavaRDD().map(r -> {
      double[] values = new double[width];
      features.read(r, values, 0);
      Vector vector = dense ? Vectors.dense(values) : compressed(values);
      return new JoinedRow(r, new GenericInternalRow(new Object[] {VECTORS.serialize(vector)}));
    });
    // internalCreateDataFrame is private[sql] in Scala, public to Java: internal rows in without a conversion.
    Dataset<Row> vectorized = reading.in.sparkSession().internalCreateDataFrame(rows.rdd(),
        reading.in.schema().add(out.apply(getOutputCol())), false);
    return reading.withoutCasts(vectorized);
  }

  /**
   * The input with {@code scoreCol} appended by {@code scorer} and, when {@code explainTopK} > 0, the names of its
   * top features ({@link Explanations#topFeaturesCol}, of {@code featureNames}; not the contributions column, which
   * a score table does not keep). The features go from the input columns straight into the scorer's batches
   * ({@link RowBatches}): what {@link #transform} then the detector would give, in one pass, without the feature
   * vector column. Input checks as {@link #transform}'s (a null, NaN or infinite numeric feature fails the task).
   */
  public Dataset<Row> transformScored(Dataset<?> dataset, FeatureBatchScorer scorer, String scoreCol,
      int explainTopK, String[] featureNames) {
    transformSchema(dataset.schema());
    Reading reading = new Reading(dataset);
    int width = reading.fitted.width();
    RowBatches.FeatureReader features = reading.reader();
    StructType out = Schemas.appendDouble(reading.in.schema(), scoreCol);
    out = explainTopK > 0 ? Explanations.appendTopFeatures(out, scoreCol) : out;
    return reading.withoutCasts(RowBatches.mapPartitions(reading.in, out, rows -> new RowBatches(rows, width,
        features, RowBatches.scoredBy(scorer, width, explainTopK, false, Explanations.internalNames(featureNames)),
        scorer.batchRows())));
  }

  /**
   * The input as the layout reads it: categorical columns of another type than string read as their cast to
   * string (StringIndexer's rule, as temporary columns), and the columns' ordinals and readers in that input.
   */
  private final class Reading {
    final FeatureLayout fitted = getLayout();
    final Dataset<Row> in;
    final List<String> casts = new ArrayList<>();
    final int[] numericAt;
    final FeatureLayout.NumericReader[] readers;
    final int[] categoricalAt;

    Reading(Dataset<?> dataset) {
      Dataset<Row> read = dataset.toDF();
      String[] categoricalRead = new String[fitted.categorical.length];
      for (int c = 0; c < categoricalRead.length; c++) {
        String name = fitted.categorical[c];
        boolean isString = dataset.schema().apply(name).dataType().equals(DataTypes.StringType);
        categoricalRead[c] = isString ? name : stringColumn(name);
        if (!isString) {
          read = read.withColumn(categoricalRead[c], col("`" + name + "`").cast("string"));
          casts.add(categoricalRead[c]);
        }
      }
      in = read;
      StructType inSchema = in.schema();
      numericAt = Arrays.stream(fitted.numeric).mapToInt(inSchema::fieldIndex).toArray();
      readers = Arrays.stream(fitted.numeric).map(c -> FeatureLayout.reader(inSchema.apply(c).dataType()))
          .toArray(FeatureLayout.NumericReader[]::new);
      categoricalAt = Arrays.stream(categoricalRead).mapToInt(inSchema::fieldIndex).toArray();
    }

    /** Reads a row of {@link #in} into its feature values (serializable: no reference to the model). */
    RowBatches.FeatureReader reader() {
      FeatureLayout layout = fitted;
      int[] numeric = numericAt;
      FeatureLayout.NumericReader[] numericReaders = readers;
      int[] categorical = categoricalAt;
      return (row, into, offset) -> layout.fill(row, numeric, numericReaders, categorical, into, offset);
    }

    Dataset<Row> withoutCasts(Dataset<Row> rows) {
      return casts.isEmpty() ? rows : rows.drop(casts.toArray(new String[0]));
    }
  }

  /**
   * {@code Vectors.dense(values).compressed()}, the same vector (sparse when 1.5 (nnz + 1) < size, as Spark
   * decides), without Spark's boxed iterator over the entries, which costs several times the features' preparation.
   */
  static Vector compressed(double[] values) {
    int nonZeros = 0;
    for (double v : values) {
      if (v != 0.0) {
        nonZeros++;
      }
    }
    if (!(1.5 * (nonZeros + 1.0) < values.length)) {
      return Vectors.dense(values);
    }
    int[] indices = new int[nonZeros];
    double[] nonZeroValues = new double[nonZeros];
    for (int i = 0, k = 0; i < values.length; i++) {
      if (values[i] != 0.0) {
        indices[k] = i;
        nonZeroValues[k++] = values[i];
      }
    }
    return Vectors.sparse(values.length, indices, nonZeroValues);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    FeatureLayout fitted = getLayout();
    return checkedSchema(this, schema, fitted.width(), fitted.names());
  }

  /**
   * {@code schema} with the output column appended (its ML attributes named by {@code names} when given, else
   * sized by {@code width} when >= 0), after checking the input columns: each present, numeric ones numeric,
   * log1p ones among them, the output column new.
   */
  static StructType checkedSchema(FeatureVectorizerParams p, StructType schema, int width, String[] names) {
    List<String> present = Arrays.asList(schema.fieldNames());
    List<String> numeric = Arrays.asList(p.getNumericCols());
    if (numeric.isEmpty() && p.getCategoricalCols().length == 0) {
      throw new IllegalArgumentException("No feature columns: name at least one numeric or categorical column"
          + " (features.numeric / features.categorical).");
    }
    for (String c : numeric) {
      if (!present.contains(c)) {
        throw new IllegalArgumentException("Numeric feature column '" + c + "' not found in " + present + ".");
      }
      DataType type = schema.apply(c).dataType();
      if (!FeatureLayout.readable(type)) {
        throw new IllegalArgumentException(String.format("Numeric feature column '%s' must be numeric or boolean but"
            + " is %s; cast it, or list it under features.categorical.", c, type.simpleString()));
      }
    }
    for (String c : p.getCategoricalCols()) {
      if (!present.contains(c)) {
        throw new IllegalArgumentException("Categorical feature column '" + c + "' not found in " + present + ".");
      }
    }
    for (String c : p.getLog1pCols()) {
      if (!numeric.contains(c)) {
        throw new IllegalArgumentException("log1p column '" + c + "' is not among the numeric features " + numeric
            + ".");
      }
    }
    if (present.contains(p.getOutputCol())) {
      throw new IllegalArgumentException("Output column '" + p.getOutputCol() + "' already exists; name another.");
    }
    AttributeGroup group;
    if (names != null) {
      Attribute[] attributes = new Attribute[names.length];
      for (int i = 0; i < names.length; i++) {
        attributes[i] = NumericAttribute.defaultAttr().withName(names[i]).withIndex(i);
      }
      group = new AttributeGroup(p.getOutputCol(), attributes);
    } else {
      group = width >= 0 ? new AttributeGroup(p.getOutputCol(), width) : new AttributeGroup(p.getOutputCol());
    }
    StructField field = group.toStructField();
    return schema.add(field);
  }

  /**
   * Per capped categorical column, a condition that holds on the rows whose category goes to the shared 'other'
   * slot: a non-null value that is not among the column's kept training values (empty without a cap).
   */
  public Map<String, Column> otherConditions() {
    FeatureLayout fitted = getLayout();
    Map<String, Column> out = new LinkedHashMap<>();
    for (int c = 0; c < fitted.categorical.length; c++) {
      if (fitted.kept[c] != null) {
        out.put(fitted.categorical[c], TopCategories.otherCondition(col("`" + fitted.categorical[c] + "`"),
            fitted.kept[c]));
      }
    }
    return out;
  }

  /**
   * The 'other' conditions of {@code pipeline}'s category caps, per column: of its vectorizer, or of the
   * {@link TopCategories} stage of a pipeline saved before the vectorizer. The score job counts them as it writes
   * its rows (a Spark Observation on the scored rows).
   */
  public static Map<String, Column> otherConditions(PipelineModel pipeline) {
    Map<String, Column> out = new LinkedHashMap<>();
    for (Transformer stage : pipeline.stages()) {
      if (stage instanceof FeatureVectorizerModel vectorizer) {
        out.putAll(vectorizer.otherConditions());
      } else if (stage instanceof TopCategories.TopCategoriesModel caps) {
        out.putAll(caps.otherConditions());
      }
    }
    return out;
  }

  /**
   * True when {@code pipeline} prepares its features with a vectorizer, which fails on a row whose numeric feature
   * is null, NaN or infinite ({@link io.vigil.core.Schemas#NOT_FINITE_FEATURE}); a pipeline saved before it (the
   * former chain) lets an infinite value through.
   */
  public static boolean failsOnNotFinite(PipelineModel pipeline) {
    return Arrays.stream(pipeline.stages()).anyMatch(stage -> stage instanceof FeatureVectorizerModel);
  }

  /** Rows of {@code input} that {@code pipeline}'s category caps send to the shared 'other' slot, per column. */
  public static Map<String, Long> otherCounts(PipelineModel pipeline, Dataset<?> input) {
    return countWhere(input, otherConditions(pipeline));
  }

  /** Rows of {@code input} where each condition holds, in one aggregate (none when there are no conditions). */
  static Map<String, Long> countWhere(Dataset<?> input, Map<String, Column> conditions) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (conditions.isEmpty()) {
      return out;
    }
    List<Column> counts = new ArrayList<>();
    conditions.values().forEach(cond -> counts.add(sum(when(cond, 1L).otherwise(0L))));
    Row r = input.agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0])).first();
    int i = 0;
    for (String c : conditions.keySet()) {
      out.put(c, r.isNullAt(i) ? 0L : r.getLong(i));
      i++;
    }
    return out;
  }

  @Override
  public FeatureVectorizerModel copy(ParamMap extra) {
    return copyValues(new FeatureVectorizerModel(uid), extra).setParent(parent());
  }

  public static MLReader<FeatureVectorizerModel> read() { return new DefaultParamsReader<>(); }

  public static FeatureVectorizerModel load(String path) { return read().load(path); }
}
