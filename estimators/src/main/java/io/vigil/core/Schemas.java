package io.vigil.core;

import java.util.Arrays;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks with messages that say what is wrong, the value, and what to do. */
public final class Schemas {

  private Schemas() {}

  /** The field named {@code column}, or an error listing the columns there are. */
  public static StructField requireColumn(StructType schema, String column, String hint) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(String.format("Column '%s' not found in %s; %s",
          column, Arrays.toString(schema.fieldNames()), hint));
    }
    return schema.apply(column);
  }

  /** Checks that {@code column} is a Spark ML Vector column, and of width {@code expectedSize} if
   * the column carries ML attribute metadata and {@code expectedSize} > 0. */
  public static void requireVectorColumn(StructType schema, String column, int expectedSize) {
    StructField field = requireColumn(schema, column,
        "set featuresCol or assemble the features with a VectorAssembler (FeaturePipeline does this).");
    DataType type = field.dataType();
    if (!type.equals(SQLDataTypes.VectorType())) {
      throw new IllegalArgumentException(String.format(
          "Column '%s' must be of type Vector but is %s; assemble numeric columns with a"
              + " VectorAssembler (FeaturePipeline does this).", column, type.simpleString()));
    }
    if (expectedSize > 0) {
      int size = AttributeGroup.fromStructField(field).size();
      if (size >= 0 && size != expectedSize) {
        throw new IllegalArgumentException(String.format(
            "Column '%s' holds vectors of size %d but the model was fit on %d features; score with"
                + " the same feature pipeline the model was trained with.", column, size, expectedSize));
      }
    }
  }

  /** Checks that {@code column} is numeric (any Spark numeric type). */
  public static void requireNumericColumn(StructType schema, String column, String hint) {
    StructField field = requireColumn(schema, column, hint);
    if (!(field.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(String.format(
          "Column '%s' must be numeric but is %s; %s", column, field.dataType().simpleString(), hint));
    }
  }

  /** Checks that an output column does not exist yet, and returns the schema with it appended. */
  public static StructType appendColumn(StructType schema, String column, DataType type) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(String.format(
          "Output column '%s' already exists in %s; choose another name (scoreCol/predictionCol).",
          column, Arrays.toString(schema.fieldNames())));
    }
    return schema.add(column, type, false);
  }

  /**
   * Checks one row's feature vector at scoring time: not null and of the width the model was fit on.
   * Returns its values.
   */
  public static double[] requireWidth(org.apache.spark.ml.linalg.Vector v, String column, int width) {
    if (v == null) {
      throw new IllegalArgumentException("Column '" + column + "' has a null vector; features must not be null"
          + " (see the input policy).");
    }
    if (v.size() != width) {
      throw new IllegalArgumentException(String.format("Column '%s' has a vector of size %d but the model was"
          + " fit on %d features; score with the feature pipeline the model was trained with.", column, v.size(),
          width));
    }
    return v.toArray();
  }

  /**
   * How the error begins that feature preparation raises on a numeric feature that is null, NaN or infinite: a job
   * that checks its rows while it scores them recognises it (InputCheck.explainFailure).
   */
  public static final String NOT_FINITE_FEATURE = "A row to prepare has a null, NaN or infinite numeric feature";

  /**
   * True where any of {@code columns} is null, NaN or infinite (after a cast to double), as one small expression:
   * x * 0 is 0 for a finite x, NaN for NaN and either infinity, and null for null, and a sum keeps the NaN or
   * the null. (An OR of {@link #notFinite} over many columns generates code too large for the JIT to compile:
   * per row it then runs interpreted, tens of times slower than the read.)
   */
  public static org.apache.spark.sql.Column anyNotFinite(java.util.List<String> columns) {
    org.apache.spark.sql.Column sum = org.apache.spark.sql.functions.lit(0.0);
    for (String c : columns) {
      sum = sum.plus(org.apache.spark.sql.functions.col("`" + c + "`").cast("double")
          .multiply(org.apache.spark.sql.functions.lit(0.0)));
    }
    return sum.isNull().or(org.apache.spark.sql.functions.isnan(sum));
  }

  /** True where a value is null, NaN or infinite (after a cast to double). */
  public static org.apache.spark.sql.Column notFinite(org.apache.spark.sql.Column value) {
    org.apache.spark.sql.Column v = value.cast("double");
    return v.isNull().or(org.apache.spark.sql.functions.isnan(v))
        .or(v.equalTo(org.apache.spark.sql.functions.lit(Double.POSITIVE_INFINITY)))
        .or(v.equalTo(org.apache.spark.sql.functions.lit(Double.NEGATIVE_INFINITY)));
  }

  public static StructType appendDouble(StructType schema, String column) {
    return appendColumn(schema, column, DataTypes.DoubleType);
  }
}
