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
      Dataset<Row> rejectedRows) {

    /** {@code rows} rows, every one valid (as counted by a job that checked them while it read them). */
    public static Result allValid(Dataset<Row> input, long rows) {
      return new Result(input, rows, 0, Map.of(), input.limit(0));
    }
  }

  private InputCheck() {}

  /**
   * The error {@link #check} (policy error) gives for {@code input} when {@code failure} is (caused by) the one
   * feature preparation raises on a null, NaN or infinite numeric feature ({@link Schemas#NOT_FINITE_FEATURE}),
   * else null. For a job that scores its input in one read and lets a bad row abort the write before its commit:
   * the counts per column cost one more pass, on the failing path only.
   */
  public static IllegalArgumentException explainFailure(Throwable failure, Dataset<Row> input,
      List<String> numericCols, List<String> categoricalCols, String what) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(Schemas.NOT_FINITE_FEATURE)) {
        try {
          check(input, numericCols, categoricalCols, ERROR, what);
        } catch (IllegalArgumentException counted) {
          counted.addSuppressed(failure);
          return counted;
        }
        return new IllegalArgumentException("The " + what + " changed while it was read: a row with a null, NaN or"
            + " infinite numeric feature failed the run, and a second read found none.", failure);
      }
    }
    return null;
  }

  /**
   * @param what how to name the input in messages, e.g. {@code "training input warehouse/x"}
   */
  public static Result check(Dataset<Row> input, List<String> numericCols, List<String> categoricalCols,
      String policy, String what) {
    if (!policy.equals(ERROR) && !policy.equals(SKIP)) {
      throw new IllegalArgumentException("input.invalid must be 'error' or 'skip', got '" + policy + "'.");
    }
    checkColumns(input, numericCols, categoricalCols, what);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String c : numericCols) {
      aggs.add(sum(when(Schemas.notFinite(col(c)), 1L).otherwise(0L)));
    }
    Column anyInvalid = Schemas.anyNotFinite(numericCols);
    aggs.add(sum(when(anyInvalid, 1L).otherwise(0L)));
    Row r = input.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long rows = r.getLong(0);
    Map<String, Long> byColumn = new LinkedHashMap<>();
    for (int i = 0; i < numericCols.size(); i++) {
      long bad = rows == 0 ? 0 : r.getLong(i + 1);
      if (bad > 0) {
        byColumn.put(numericCols.get(i), bad);
      }
    }
    long rejected = rows == 0 ? 0 : r.getLong(numericCols.size() + 1);
    if (rejected == 0) {
      return new Result(input, rows, 0, byColumn, input.limit(0));
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
        input.filter(anyInvalid));
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
