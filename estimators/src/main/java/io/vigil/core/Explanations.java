package io.vigil.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;

/**
 * Explanation columns ("why is this row anomalous"): each feature's contribution to the row's score
 * (for reconstruction-based detectors, its squared reconstruction error) and the names of the
 * {@code explainTopK} largest contributors. Written when a model's {@code explainTopK} is above 0.
 */
public final class Explanations {

  private Explanations() {}

  /** Per-feature contributions: array&lt;double&gt;, in feature-vector order. */
  public static String contributionsCol(String scoreCol) {
    return scoreCol + "_contributions";
  }

  /** The top-k feature names, largest contribution first: array&lt;string&gt;. */
  public static String topFeaturesCol(String scoreCol) {
    return scoreCol + "_top_features";
  }

  /** The names of the {@code topK} largest of {@code contributions[from, from + width)}, as Spark's internal array. */
  public static ArrayData internalTopNames(float[] contributions, int from,
      int width, int topK, UTF8String[] names) {
    int[] top = topK(contributions, from, width, topK);
    Object[] topNames = new Object[top.length];
    for (int j = 0; j < top.length; j++) {
      topNames[j] = names[top[j]];
    }
    return new GenericArrayData(topNames);
  }

  /**
   * The internal values of a row's score and both its explanation columns ({@link #appendColumns}): the score, its
   * contributions {@code contributions[from, from + width)} and the names of the {@code topK} largest.
   */
  public static Object[] internalValues(double score, float[] contributions, int from, int width, int topK,
      UTF8String[] names) {
    double[] asDouble = new double[width];
    for (int j = 0; j < width; j++) {
      asDouble[j] = contributions[from + j];
    }
    return new Object[] {score, UnsafeArrayData.fromPrimitiveArray(asDouble),
        internalTopNames(contributions, from, width, topK, names)};
  }

  /** {@code names} as Spark's internal strings. */
  public static UTF8String[] internalNames(String[] names) {
    UTF8String[] out = new UTF8String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = UTF8String.fromString(names[i]);
    }
    return out;
  }

  public static StructType appendColumns(StructType schema, String scoreCol) {
    return appendTopFeatures(Schemas.appendColumn(schema, contributionsCol(scoreCol),
        DataTypes.createArrayType(DataTypes.DoubleType, false)), scoreCol);
  }

  /** {@code schema} with {@code scoreCol}'s top features column alone. */
  public static StructType appendTopFeatures(StructType schema, String scoreCol) {
    return Schemas.appendColumn(schema, topFeaturesCol(scoreCol), DataTypes.createArrayType(DataTypes.StringType,
        false));
  }

  /**
   * {@code scoreCol}'s two explanation columns, copied from the fields of struct column {@code struct}
   * (whose type was built by {@link #appendColumns} for {@code structScoreCol}).
   */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> fromStruct(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> dataset, String struct, String structScoreCol,
      String scoreCol) {
    return dataset
        .withColumn(contributionsCol(scoreCol), org.apache.spark.sql.functions.col(struct + "." + contributionsCol(structScoreCol)))
        .withColumn(topFeaturesCol(scoreCol), org.apache.spark.sql.functions.col(struct + "." + topFeaturesCol(structScoreCol)));
  }

  /**
   * Indices of the k largest of {@code values[from, from + width)}, largest first (ties: lower index first; NaN
   * below every number): one pass, each value inserted into the sorted top k (k is small; this runs once per
   * scored row), no boxing or sorting.
   */
  public static int[] topK(float[] values, int from, int width, int k) {
    int n = Math.min(k, width);
    int[] top = new int[n];
    float[] kept = new float[n];
    int count = 0;
    for (int j = 0; j < width && n > 0; j++) {
      float v = values[from + j];
      if (count == n && !above(v, kept[n - 1])) {
        continue;
      }
      int at = count < n ? count++ : n - 1;
      while (at > 0 && above(v, kept[at - 1])) {
        kept[at] = kept[at - 1];
        top[at] = top[at - 1];
        at--;
      }
      kept[at] = v;
      top[at] = j;
    }
    return top;
  }

  /** Whether {@code v} ranks above {@code w}: larger, NaN below every number. */
  private static boolean above(float v, float w) {
    return v == v && (w != w || v > w);
  }

  /** The names of the k largest of {@code values} (one per feature), largest first. */
  public static String[] topNames(double[] values, int k, String[] names) {
    float[] asFloat = new float[values.length];
    for (int j = 0; j < values.length; j++) {
      asFloat[j] = (float) values[j];
    }
    int[] top = topK(asFloat, 0, values.length, k);
    String[] out = new String[top.length];
    for (int j = 0; j < top.length; j++) {
      out[j] = names[top[j]];
    }
    return out;
  }

  /**
   * The feature names for a vector column of {@code width}: the ML attribute names of {@code column},
   * or else of the one other vector column of that width that has them (a scaler drops the names its
   * VectorAssembler input carried), or else {@code f0 .. f<width-1>}.
   */
  public static String[] featureNames(StructType schema, String column, int width) {
    String[] own = namesOf(schema.apply(column), width);
    if (own != null) {
      return own;
    }
    List<String[]> candidates = new ArrayList<>();
    for (StructField f : schema.fields()) {
      String[] names = f.name().equals(column) ? null : namesOf(f, width);
      if (names != null) {
        candidates.add(names);
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    String[] generic = new String[width];
    for (int i = 0; i < width; i++) {
      generic[i] = "f" + i;
    }
    return generic;
  }

  private static String[] namesOf(StructField field, int width) {
    if (!field.dataType().equals(org.apache.spark.ml.linalg.SQLDataTypes.VectorType())) {
      return null;
    }
    AttributeGroup group = AttributeGroup.fromStructField(field);
    Option<Attribute[]> attrs = group.attributes();
    if (attrs.isEmpty() || attrs.get().length != width) {
      return null;
    }
    String[] names = new String[width];
    for (int i = 0; i < width; i++) {
      Option<String> name = attrs.get()[i].name();
      if (name.isEmpty()) {
        return null;
      }
      names[i] = name.get();
    }
    return names;
  }
}
