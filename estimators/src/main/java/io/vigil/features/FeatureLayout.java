package io.vigil.features;

import io.vigil.core.Schemas;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What a fitted {@link FeatureVectorizer} knows, and the arithmetic that turns one input row into its feature
 * values: numeric slots first (in {@link #numeric} order), then each categorical column's one-hot slots (its
 * {@link #labels} in index order, then one 'unknown' slot for null and unseen values).
 *
 * <p>Every slot is scaled as {@code (x - shift) * factor + offset}, or takes {@link #constantValue} when
 * {@link #constant} (a min-max slot whose training range is 0); these are the operations of Spark's scalers in
 * their order, so the values are theirs bit for bit. A one-hot slot is 0 or 1 before scaling, so its two scaled values
 * are computed once ({@link #cold}, {@link #hot}). The fields are public for Jackson: the layout is saved as the
 * model's JSON param.
 */
public final class FeatureLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Numeric feature columns, in slot order. */
  public String[] numeric;
  /** Per numeric column: log1p(max(x, 0)) before scaling. */
  public boolean[] log1p;
  /** Per numeric slot: the value subtracted, then the factor multiplied. */
  public double[] shift;
  public double[] factor;
  /** Per numeric slot: whether it always takes {@link #constantValue} (NaN stays NaN). */
  public boolean[] constant;
  public double constantValue;
  /**
   * Added after the factor: MinMaxScaler adds its target minimum, 0.0, which turns -0.0 into 0.0; the other
   * scalers add nothing, and -0.0 is the one addend that leaves every double (-0.0 included) as it is.
   */
  public double offset;

  /** Categorical columns, in slot order. */
  public String[] categorical;
  /** Per categorical column: its labels in slot order ({@link TopCategories#OTHER} among them when capped). */
  public String[][] labels;
  /** Per categorical column: the kept values when capped (the rest are 'other'); null = no cap. */
  public String[][] kept;
  /** Per categorical column and slot (labels, then unknown): the scaled value of a 0 and of a 1. */
  public double[][] cold;
  public double[][] hot;

  // Per categorical column: each value's slot, one lookup a row (a capped column's kept values map to theirs); and
  // the slot of a value not in the map (a capped column's 'other' slot, else the unknown slot).
  private transient volatile Map<UTF8String, Integer>[] slotOf;
  private transient int[] missingSlot;

  /** The vector width: the numeric slots and each categorical column's labels plus its unknown slot. */
  public int width() {
    int w = numeric.length;
    for (String[] l : labels) {
      w += l.length + 1;
    }
    return w;
  }

  /** The slot names, as the former stages named them (VectorAssembler over log1p and one-hot columns). */
  public String[] names() {
    String[] names = new String[width()];
    int at = 0;
    for (int i = 0; i < numeric.length; i++) {
      names[at++] = log1p[i] ? FeaturePipeline.TEMP_PREFIX + "log_" + numeric[i] : numeric[i];
    }
    for (int c = 0; c < categorical.length; c++) {
      String prefix = FeaturePipeline.TEMP_PREFIX + "hot_" + categorical[c] + "_";
      for (String label : labels[c]) {
        names[at++] = prefix + label;
      }
      names[at++] = prefix + "__unknown";
    }
    return names;
  }

  /** Reads a numeric column's value from an internal row as a double (the types {@link #readable} accepts). */
  @FunctionalInterface
  interface NumericReader extends Serializable {
    double read(InternalRow row, int ordinal);
  }

  /** Whether a numeric feature column of this type can be read (numbers and booleans, as VectorAssembler). */
  static boolean readable(DataType type) {
    return type instanceof org.apache.spark.sql.types.NumericType || type instanceof BooleanType;
  }

  static NumericReader reader(DataType type) {
    if (type instanceof DoubleType) {
      return InternalRow::getDouble;
    } else if (type instanceof FloatType) {
      return InternalRow::getFloat;
    } else if (type instanceof IntegerType) {
      return InternalRow::getInt;
    } else if (type instanceof LongType) {
      return InternalRow::getLong;
    } else if (type instanceof ShortType) {
      return InternalRow::getShort;
    } else if (type instanceof ByteType) {
      return InternalRow::getByte;
    } else if (type instanceof BooleanType) {
      return (row, i) -> row.getBoolean(i) ? 1.0 : 0.0;
    } else if (type instanceof DecimalType d) {
      return (row, i) -> row.getDecimal(i, d.precision(), d.scale()).toDouble();
    }
    throw new IllegalArgumentException("Cannot read a numeric feature of type " + type.simpleString() + ".");
  }

  /**
   * Writes the row's feature values into {@code out} from {@code from} ({@link #width} of them). {@code numericAt}
   * and {@code categoricalAt} are the columns' ordinals in {@code row}; categorical columns are strings there.
   * A null numeric value is an error naming the column (the jobs' input check finds them first).
   */
  void fill(InternalRow row, int[] numericAt, NumericReader[] readers, int[] categoricalAt, double[] out, int from) {
    for (int i = 0; i < numeric.length; i++) {
      boolean isNull = row.isNullAt(numericAt[i]);
      double x = isNull ? Double.NaN : readers[i].read(row, numericAt[i]);
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException(String.format("%s: column '%s' is %s. Remove or fill such rows first"
            + " (the jobs' input check, input.invalid, counts them).", Schemas.NOT_FINITE_FEATURE, numeric[i],
            isNull ? "null" : Double.isNaN(x) ? "NaN" : x > 0 ? "+Infinity" : "-Infinity"));
      }
      if (log1p[i]) {
        // As the former SQL stage, log1p(greatest(x, 0D)): StrictMath is Spark SQL's log1p, and greatest keeps
        // its first argument on a tie, so -0.0 stays -0.0 (Math.max would make it 0.0).
        x = StrictMath.log1p(x >= 0.0 ? x : 0.0);
      }
      out[from + i] = constant[i] ? constantValue : (x - shift[i]) * factor[i] + offset;
    }
    int at = from + numeric.length;
    if (categorical.length > 0 && slotOf == null) {
      index();
    }
    for (int c = 0; c < categorical.length; c++) {
      double[] coldValues = cold[c];
      System.arraycopy(coldValues, 0, out, at, coldValues.length);
      int slot = labels[c].length; // unknown
      if (!row.isNullAt(categoricalAt[c])) {
        Integer known = slotOf[c].get(row.getUTF8String(categoricalAt[c]));
        slot = known != null ? known : missingSlot[c];
      }
      out[at + slot] = hot[c][slot];
      at += coldValues.length;
    }
  }

  private static final UTF8String OTHER = UTF8String.fromString(TopCategories.OTHER);

  @SuppressWarnings("unchecked")
  private synchronized void index() {
    Map<UTF8String, Integer>[] slots = new Map[categorical.length];
    int[] missing = new int[categorical.length];
    for (int c = 0; c < categorical.length; c++) {
      Map<UTF8String, Integer> labelSlots = new HashMap<>();
      for (int s = 0; s < labels[c].length; s++) {
        labelSlots.put(UTF8String.fromString(labels[c][s]), s);
      }
      int unknown = labels[c].length;
      if (kept[c] == null) {
        slots[c] = labelSlots;
        missing[c] = unknown;
      } else { // capped: a kept value has its label's slot, any other value (the label 'other' too) other's
        slots[c] = new HashMap<>();
        for (String v : kept[c]) {
          UTF8String value = UTF8String.fromString(v);
          slots[c].put(value, labelSlots.getOrDefault(value, unknown));
        }
        missing[c] = labelSlots.getOrDefault(OTHER, unknown);
      }
    }
    missingSlot = missing;
    slotOf = slots;
  }
}
