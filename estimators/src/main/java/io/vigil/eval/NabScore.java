package io.vigil.eval;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark's score of one series (Lavin and Ahmad 2015; numenta/NAB's {@code Sweeper}), from
 * a score per row in file order, a threshold (a row is a detection when its score is at or above it) and the
 * labelled windows. Each row is weighted by its position relative to the windows: inside a window by the scaled
 * sigmoid {@code 2 / (1 + e^(5 p)) - 1} of its relative position p in [-1, 0) (the window's first row earns the
 * full true-positive weight), after a window by the same sigmoid of its distance past it in window widths (-1
 * beyond 3 widths, and before the first window); a window counts once, by its earliest detection (its largest
 * weight), or -fnWeight when none of its rows is detected; every detection outside the windows adds its weight
 * times fpWeight. The probationary period, the first min(floor(0.15 n), 750) rows, is not scored.
 *
 * <p>Normalised per series: 100 (raw - null) / (perfect - null), with the null detector (no detection: -fnWeight
 * per window) and the perfect one (each window at its first row, nothing else: tpWeight per window).
 */
public final class NabScore {

  /** NAB's cost matrices (config/profiles.json). */
  public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {}

  public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
  public static final Profile REWARD_LOW_FP = new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0);
  public static final Profile REWARD_LOW_FN = new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0);
  public static final List<Profile> PROFILES = List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);

  /** A labelled window: its first and last timestamps (inclusive). */
  public record Window(LocalDateTime start, LocalDateTime end) {}

  /**
   * One series' score. {@code truePositives} counts detected rows inside windows, {@code falsePositives} detected
   * rows outside them, {@code windowsDetected} the windows with at least one detection (all after probation).
   */
  public record Result(double raw, double nullScore, double perfect, double normalised, int truePositives,
      int falsePositives, int windowsDetected, int windows, int probationaryRows) {}

  private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private NabScore() {}

  /** A NAB timestamp, {@code yyyy-MM-dd HH:mm:ss} with or without fractional seconds (the windows have them). */
  public static LocalDateTime time(String text) {
    return LocalDateTime.parse(text.length() > 19 ? text.substring(0, 19) : text, NAB_TIME);
  }

  /** NAB's probationary period: the first min(floor(0.15 n), 0.15 * 5000) rows. */
  public static int probationaryRows(int rows) {
    return (int) Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
  }

  static double scaledSigmoid(double relativePosition) {
    return relativePosition > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
  }

  /**
   * The score of {@code scores} (file order, one per timestamp) at {@code threshold} under {@code profile}. Window
   * boundaries are found by exact timestamp, the first occurrence (NAB's {@code list.index}), as NAB does; a
   * window whose first timestamp is not a row of the series is never entered and counts as missed.
   */
  public static Result score(LocalDateTime[] timestamps, double[] scores, List<Window> windows, double threshold,
      Profile profile) {
    if (timestamps.length != scores.length) {
      throw new IllegalArgumentException(String.format("NAB score: %d timestamps but %d scores.", timestamps.length,
          scores.length));
    }
    Map<LocalDateTime, Integer> firstIndex = new HashMap<>();
    for (int i = timestamps.length - 1; i >= 0; i--) {
      firstIndex.put(timestamps[i], i);
    }
    int n = timestamps.length;
    int probation = probationaryRows(n);
    double maxTruePositive = scaledSigmoid(-1.0);
    double[] windowParts = new double[windows.size()];
    Arrays.fill(windowParts, -profile.fnWeight());
    boolean[] detected = new boolean[windows.size()];
    double falsePositiveSum = 0;
    int truePositives = 0;
    int falsePositives = 0;
    int nextWindow = 0;
    int current = -1;
    int currentRight = -1;
    double currentWidth = 0;
    int previousRight = -1;
    double previousWidth = 0;
    for (int i = 0; i < n; i++) {
      if (nextWindow < windows.size() && timestamps[i].equals(windows.get(nextWindow).start())) {
        current = nextWindow++;
        Integer right = firstIndex.get(windows.get(current).end());
        if (right == null) {
          throw new IllegalArgumentException("NAB window " + windows.get(current) + " ends at a timestamp that is not"
              + " a row of the series.");
        }
        currentRight = right;
        currentWidth = currentRight - i + 1;
      }
      boolean detection = i >= probation && scores[i] >= threshold;
      if (current >= 0) {
        double weighted = scaledSigmoid(-(currentRight - i + 1) / currentWidth) * profile.tpWeight() / maxTruePositive;
        if (detection) {
          truePositives++;
          detected[current] = true;
          windowParts[current] = Math.max(windowParts[current], weighted);
        }
      } else if (detection) {
        double unweighted = previousRight < 0 ? -1.0
            : scaledSigmoid(Math.abs(previousRight - i) / (previousWidth - 1));
        falsePositiveSum += unweighted * profile.fpWeight();
        falsePositives++;
      }
      if (current >= 0 && i == currentRight) {
        previousRight = i;
        previousWidth = currentWidth;
        current = -1;
      }
    }
    double raw = falsePositiveSum;
    int found = 0;
    for (int w = 0; w < windowParts.length; w++) {
      raw += windowParts[w];
      found += detected[w] ? 1 : 0;
    }
    double nullScore = -profile.fnWeight() * windows.size();
    double perfect = profile.tpWeight() * windows.size();
    double normalised = windows.isEmpty() ? Double.NaN : 100.0 * (raw - nullScore) / (perfect - nullScore);
    return new Result(raw, nullScore, perfect, normalised, truePositives, falsePositives, found, windows.size(),
        Math.min(probation, n));
  }

  /** A detector's per-row output of one series: its timestamps and scores, in file order. */
  public record Series(LocalDateTime[] timestamps, double[] scores) {}

  /**
   * A per-row results file as NAB writes them ({@code results/<detector>/<category>/<detector>_<file>.csv}:
   * {@code timestamp} first, an {@code anomaly_score} column).
   */
  public static Series readResults(java.nio.file.Path csv) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(csv);
      int column = Arrays.asList(lines.get(0).split(",")).indexOf("anomaly_score");
      if (column < 0) {
        throw new IllegalArgumentException(csv + " has no anomaly_score column: " + lines.get(0));
      }
      LocalDateTime[] times = new LocalDateTime[lines.size() - 1];
      double[] scores = new double[lines.size() - 1];
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        times[i - 1] = time(f[0]);
        scores[i - 1] = Double.parseDouble(f[column]);
      }
      return new Series(times, scores);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read NAB results " + csv, e);
    }
  }

  /**
   * The windows of {@code key} ({@code "<category>/<file>.csv"}) in NAB's {@code combined_windows.json} text, in
   * time order; an error naming the key when the file has none for it.
   */
  public static List<Window> windows(String combinedWindowsJson, String key) {
    try {
      com.fasterxml.jackson.databind.JsonNode all = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(combinedWindowsJson);
      com.fasterxml.jackson.databind.JsonNode list = all.get(key);
      if (list == null) {
        throw new IllegalArgumentException("combined_windows.json has no entry '" + key + "'.");
      }
      List<Window> out = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode pair : list) {
        out.add(new Window(time(pair.get(0).asText()), time(pair.get(1).asText())));
      }
      out.sort((a, b) -> a.start().compareTo(b.start()));
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read NAB windows", e);
    }
  }
}
