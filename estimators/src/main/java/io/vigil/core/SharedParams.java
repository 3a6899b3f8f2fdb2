package io.vigil.core;


/** The values of the shared params that code compares against (the params themselves: {@link DetectorParams}). */
public final class SharedParams {

  /** Threshold strategies that need only the training scores (applied during {@code fit}). */
  public static final String CONTAMINATION = "contamination";
  public static final String MEAN_STD = "meanStd";
  public static final String FIXED = "fixed";
  /** Threshold strategies that need labelled validation rows (applied by {@code Thresholds.tune}). */
  public static final String MAX_F1 = "maxF1";
  public static final String MAX_ACCURACY = "maxAccuracy";
  public static final String[] THRESHOLD_STRATEGIES = {CONTAMINATION, MEAN_STD, FIXED, MAX_F1, MAX_ACCURACY};

  private SharedParams() {}
}
