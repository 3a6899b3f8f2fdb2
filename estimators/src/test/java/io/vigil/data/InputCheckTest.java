package io.vigil.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class InputCheckTest extends SparkTestBase {

  private static Dataset<Row> input() {
    StructType s = new StructType().add("a", DataTypes.DoubleType, true).add("b", DataTypes.DoubleType, true)
        .add("c", DataTypes.StringType, true).add("s", DataTypes.StringType, true);
    return spark.createDataFrame(List.of(
        RowFactory.create(1.0, 2.0, "x", "1"),
        RowFactory.create(Double.NaN, 2.0, "x", "1"),
        RowFactory.create(null, Double.POSITIVE_INFINITY, "y", "1"),
        RowFactory.create(4.0, Double.NEGATIVE_INFINITY, null, "1"),
        RowFactory.create(5.0, 6.0, "z", "1")), s);
  }

  @Test
  void givenNaNNullAndInf_whenPolicyError_thenErrorNamesEachColumnWithItsCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputCheck.check(input(), List.of("a", "b"), List.of("c"), InputCheck.ERROR, "training input t"));
    assertTrue(e.getMessage().contains("'a': 2 rows, 'b': 2 rows; 3 of 5 rows affected"), e.getMessage());
    assertTrue(e.getMessage().contains("training input t"), e.getMessage());
  }

  @Test
  void givenNaNNullAndInf_whenPolicySkip_thenRowsAreDroppedAndCounted() {
    InputCheck.Result r = InputCheck.check(input(), List.of("a", "b"), List.of("c"), InputCheck.SKIP, "t");
    assertEquals(5, r.rows());
    assertEquals(3, r.rejected());
    assertEquals(Map.of("a", 2L, "b", 2L), r.invalidByColumn());
    assertEquals(2, r.valid().count());
  }

  @Test
  void givenMissingColumn_whenChecked_thenErrorNamesItAndListsTheColumns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputCheck.check(input(), List.of("a", "src_bytes"), List.of(), InputCheck.ERROR, "t"));
    assertTrue(e.getMessage().contains("Column 'src_bytes' not found in [a, b, c, s]"), e.getMessage());
  }

  @Test
  void givenStringInNumericFeature_whenChecked_thenErrorNamesColumnAndType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputCheck.check(input(), List.of("s"), List.of(), InputCheck.ERROR, "t"));
    assertTrue(e.getMessage().contains("Column 's' must be numeric but is string"), e.getMessage());
  }

  @Test
  void givenDuplicateColumnNames_whenChecked_thenErrorNamesTheColumn() {
    Dataset<Row> dup = input().select("a", "b", "a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputCheck.check(dup, List.of("b"), List.of(), InputCheck.ERROR, "t"));
    assertTrue(e.getMessage().contains("two columns named 'a'"), e.getMessage());
  }

  @Test
  void givenEmptyInput_whenChecked_thenZeroRowsAndNoError() {
    InputCheck.Result r = InputCheck.check(input().limit(0), List.of("a"), List.of("c"), InputCheck.ERROR, "t");
    assertEquals(0, r.rows());
    assertEquals(0, r.rejected());
  }
}
