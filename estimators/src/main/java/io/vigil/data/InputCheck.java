package io.vigil.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.vigil.core.Schemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/**
 * Checks an input table before it reaches a pipeline: the feature columns exist once each and have
 * usable types, and numeric features hold no null, NaN or infinite values. Invalid rows are either an
 * error naming the columns and counts (policy {@code error}, the default) or dropped and counted
 * (policy {@code skip}); the count goes into the metrics as {@code rows_rejected}.
 *
 * <p>Categorical columns may hold nulls and unseen values: both go to the kept "unknown" slot.
 */
public final class InputCheck {

  public static final String ERROR = "error";
  public static final String SKIP = "skip";

  /**
   * The checked input: {@code valid} rows to use, the counts, and {@code rejected} rows (skip policy;
   * empty otherwise) for a quarantine sample.
   */
  public record Result(Dataset<Row> valid, long rows, long rejected, Map<String, Long> invalidByColumn,
      Dataset<Row> rejectedRows, Map<String, Long> validCounts) {}

  private InputCheck() {}

  /**
   * @param what how to name the input in messages, e.g. {@code "training input warehouse/x"}
   */
  public static Result check(Dataset<Row> input, List<String> numericCols, List<String> categoricalCols,
      String policy, String what) {
    return check(input, numericCols, categoricalCols, policy, what, Map.of());
  }

  /**
   * As {@link #check(Dataset, List, List, String, String)}, also counting, among the valid rows, those where
   * each of {@code countValid}'s conditions holds ({@link Result#validCounts}, same keys): counts a run
   * reports about its rows (e.g. categories sent to the shared 'other' slot) in the check's pass, not another.
   */
  public static Result check(Dataset<Row> input, List<String> numericCols, List<String> categoricalCols,
      String policy, String what, Map<String, Column> countValid) {
    if (!policy.equals(ERROR) && !policy.equals(SKIP)) {
      throw new IllegalArgumentException("input.invalid must be 'error' or 'skip', got '" + policy + "'.");
    }
    checkColumns(input, numericCols, categoricalCols, what);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String c : numericCols) {
      aggs.add(sum(when(Schemas.notFinite(col(c)), 1L).otherwise(0L)));
    }
    // Repeated in each count of countValid: it has to be small (Schemas.anyNotFinite says why).
    Column anyInvalid = Schemas.anyNotFinite(numericCols);
    aggs.add(sum(when(anyInvalid, 1L).otherwise(0L)));
    List<String> counted = new ArrayList<>(countValid.keySet());
    for (String k : counted) {
      aggs.add(sum(when(anyInvalid.unary_$bang().and(countValid.get(k)), 1L).otherwise(0L)));
    }
    Row r = input.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long rows = r.getLong(0);
    Map<String, Long> validCounts = new LinkedHashMap<>();
    for (int i = 0; i < counted.size(); i++) {
      int at = numericCols.size() + 2 + i;
      validCounts.put(counted.get(i), r.isNullAt(at) ? 0L : r.getLong(at));
    }
    Map<String, Long> byColumn = new LinkedHashMap<>();
    for (int i = 0; i < numericCols.size(); i++) {
      long bad = rows == 0 ? 0 : r.getLong(i + 1);
      if (bad > 0) {
        byColumn.put(numericCols.get(i), bad);
      }
    }
    long rejected = rows == 0 ? 0 : r.getLong(numericCols.size() + 1);
    if (rejected == 0) {
      return new Result(input, rows, 0, byColumn, input.limit(0), validCounts);
    }
    if (policy.equals(ERROR)) {
      StringBuilder detail = new StringBuilder();
      byColumn.forEach((c, n) -> detail.append(detail.length() == 0 ? "" : ", ")
          .append(String.format("'%s': %d rows", c, n)));
      throw new IllegalArgumentException(String.format(
          "The %s has null, NaN or infinite values in numeric features (%s; %d of %d rows affected). Fix"
              + " the input, or set input.invalid = skip to drop such rows and count them as rows_rejected.",
          what, detail, rejected, rows));
    }
    return new Result(input.filter(anyInvalid.equalTo(lit(false))), rows, rejected, byColumn,
        input.filter(anyInvalid), validCounts);
  }

  /** The feature columns exist, are named once, and have usable types; errors name the column. */
  public static void checkColumns(Dataset<Row> input, List<String> numericCols, List<String> categoricalCols,
      String what) {
    String[] names = input.schema().fieldNames();
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new IllegalArgumentException(String.format(
            "The %s has two columns named '%s' (%s); rename one.", what, n, Arrays.toString(names)));
      }
    }
    for (String c : numericCols) {
      Schemas.requireNumericColumn(input.schema(), c, "fix features.numeric in the config or the "
          + what + ".");
    }
    for (String c : categoricalCols) {
      DataType t = Schemas.requireColumn(input.schema(), c,
          "fix features.categorical in the config or the " + what + ".").dataType();
      if (!(t instanceof StringType) && !(t instanceof NumericType)) {
        throw new IllegalArgumentException(String.format(
            "Categorical column '%s' must be a string or number but is %s.", c, t.simpleString()));
      }
    }
  }
}
