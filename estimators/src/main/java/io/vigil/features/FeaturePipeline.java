package io.vigil.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * The feature preparation stages that go in front of a detector in one Spark {@code Pipeline}:
 * optional log1p of heavy-tailed numeric columns, one-hot encoding of categorical columns, assembly
 * into one vector, and scaling. Every stage is fit on the rows the pipeline is fit on, so fitting the
 * pipeline on training rows only keeps validation and test data out of the scaler.
 *
 * <p>Unseen categories (and null categories) go to one extra "unknown" slot per column, kept at
 * scoring time and never an error: a new service name on the network is exactly what an anomaly
 * detector should see. A column's width is capped ({@link TopCategories}, {@code maxCategories}, default
 * {@value #DEFAULT_MAX_CATEGORIES}): values beyond its most frequent training ones share an 'other' slot.
 */
public final class FeaturePipeline {

  public static final String STANDARD = "standard";
  public static final String MINMAX = "minmax";
  public static final String NONE = "none";

  /** Prefix of the intermediate columns the stages add; the score table drops them. */
  public static final String TEMP_PREFIX = "_vigil_";

  private final List<String> numericCols;
  private final List<String> categoricalCols;
  private final List<String> log1pCols;
  private final String scaler;
  private final String outputCol;
  private final int maxCategories;

  /** Default of the categorical width cap: each column keeps its 100 most frequent training values. */
  public static final int DEFAULT_MAX_CATEGORIES = 100;

  public FeaturePipeline(List<String> numericCols, List<String> categoricalCols, List<String> log1pCols,
      String scaler, String outputCol) {
    this(numericCols, categoricalCols, log1pCols, scaler, outputCol, DEFAULT_MAX_CATEGORIES);
  }

  /**
   * @param maxCategories each categorical column keeps its most frequent training values up to this many; the
   *     rest share one 'other' slot ({@link TopCategories}); 0 = every training value gets a slot
   */
  public FeaturePipeline(List<String> numericCols, List<String> categoricalCols, List<String> log1pCols,
      String scaler, String outputCol, int maxCategories) {
    if (maxCategories < 0) {
      throw new IllegalArgumentException("features.maxCategories must be >= 0 (0 = no cap), got " + maxCategories
          + ".");
    }
    this.maxCategories = maxCategories;
    if (numericCols.isEmpty() && categoricalCols.isEmpty()) {
      throw new IllegalArgumentException("No feature columns: name at least one numeric or categorical"
          + " column (features.numeric / features.categorical).");
    }
    Set<String> seen = new TreeSet<>();
    for (String c : concat(numericCols, categoricalCols)) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException("Feature column '" + c + "' is named twice; name each once.");
      }
    }
    for (String c : log1pCols) {
      if (!numericCols.contains(c)) {
        throw new IllegalArgumentException("log1p column '" + c + "' is not among the numeric features "
            + numericCols + ".");
      }
    }
    if (!List.of(STANDARD, MINMAX, NONE).contains(scaler)) {
      throw new IllegalArgumentException("scaler must be one of standard, minmax, none; got '" + scaler + "'.");
    }
    this.numericCols = List.copyOf(numericCols);
    this.categoricalCols = List.copyOf(categoricalCols);
    this.log1pCols = List.copyOf(log1pCols);
    this.scaler = scaler;
    this.outputCol = outputCol;
  }

  public List<String> numericCols() {
    return numericCols;
  }

  public List<String> categoricalCols() {
    return categoricalCols;
  }

  /** The stages, in order; the last one writes {@code outputCol}. */
  public List<PipelineStage> stages() {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    if (!log1pCols.isEmpty()) {
      // log1p of max(x, 0): byte counts and durations span 8 orders of magnitude.
      StringBuilder sql = new StringBuilder("SELECT *");
      for (String c : log1pCols) {
        sql.append(String.format(", log1p(greatest(CAST(`%s` AS DOUBLE), 0D)) AS `%slog_%s`", c, TEMP_PREFIX, c));
      }
      stages.add(new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString()));
    }
    for (String c : numericCols) {
      assembled.add(log1pCols.contains(c) ? TEMP_PREFIX + "log_" + c : c);
    }
    if (!categoricalCols.isEmpty()) {
      String[] in = categoricalCols.toArray(new String[0]);
      if (maxCategories > 0) {
        stages.add(new TopCategories().setInputCols(in).setMaxCategories(maxCategories));
        in = categoricalCols.stream().map(TopCategories::outputCol).toArray(String[]::new);
      }
      String[] idx = categoricalCols.stream().map(c -> TEMP_PREFIX + "idx_" + c).toArray(String[]::new);
      String[] hot = categoricalCols.stream().map(c -> TEMP_PREFIX + "hot_" + c).toArray(String[]::new);
      // "keep" gives unseen and null categories index = number of labels, and the index column's
      // metadata one extra value, so the encoder (dropLast = false) gives them their own slot.
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(idx).setHandleInvalid("keep"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(hot).setDropLast(false));
      assembled.addAll(List.of(hot));
    }
    String raw = scaler.equals(NONE) ? outputCol : TEMP_PREFIX + "raw_features";
    // The jobs check for null/NaN/inf first and name the column; "error" here is the last guard.
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(new String[0])).setOutputCol(raw)
        .setHandleInvalid("error"));
    if (scaler.equals(STANDARD)) {
      stages.add(new StandardScaler().setInputCol(raw).setOutputCol(outputCol).setWithMean(true).setWithStd(true));
    } else if (scaler.equals(MINMAX)) {
      stages.add(new MinMaxScaler().setInputCol(raw).setOutputCol(outputCol));
    }
    return stages;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
