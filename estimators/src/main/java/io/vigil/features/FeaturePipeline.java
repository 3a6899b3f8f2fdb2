package io.vigil.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineStage;

/**
 * The feature preparation that goes in front of a detector in one Spark {@code Pipeline}:
 * optional log1p of heavy-tailed numeric columns, one-hot encoding of categorical columns, assembly
 * into one vector, and scaling ({@link FeatureVectorizer}, one stage). Every stage is fit on the rows the pipeline is fit on, so fitting the
 * pipeline on training rows only keeps validation and test data out of the scaler.
 *
 * <p>Unseen categories (and null categories) go to one extra "unknown" slot per column, kept at
 * scoring time and never an error: a new service name on the network is exactly what an anomaly
 * detector should see. A column's width is capped ({@code maxCategories}, default
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
   *     rest share one 'other' slot; 0 = every training value gets a slot
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

  /**
   * The stages, in order; the last one writes {@code outputCol}. One {@link FeatureVectorizer} does every step
   * (log1p, category caps, one-hot, assembly, scaling) in one pass; pipelines saved before it hold the
   * equivalent chain of Spark ML stages and still load and score.
   */
  public List<PipelineStage> stages() {
    return List.of(new FeatureVectorizer().setNumericCols(numericCols.toArray(new String[0]))
        .setCategoricalCols(categoricalCols.toArray(new String[0])).setLog1pCols(log1pCols.toArray(new String[0]))
        .setScaler(scaler).setMaxCategories(maxCategories).setOutputCol(outputCol));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
