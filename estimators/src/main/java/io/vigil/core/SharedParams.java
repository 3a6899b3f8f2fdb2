package io.vigil.core;

import io.vigil.threshold.Thresholds;

/** The values of the shared params that code compares against (the params themselves: {@link DetectorParams}). */
public final class SharedParams {

  /** Threshold strategies that need only the training scores (applied during {@code fit}). */
  public static final String CONTAMINATION = Thresholds.CONTAMINATION;
  public static final String MEAN_STD = Thresholds.MEAN_STD;
  public static final String FIXED = Thresholds.FIXED;
  /** Threshold strategies that need labelled validation rows (chosen by AnomalyPipeline). */
  public static final String MAX_F1 = Thresholds.MAX_F1;
  public static final String MAX_ACCURACY = Thresholds.MAX_ACCURACY;
  public static final String[] THRESHOLD_STRATEGIES = Thresholds.STRATEGIES;

  private SharedParams() {}
}
