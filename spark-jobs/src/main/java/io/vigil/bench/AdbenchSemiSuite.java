package io.vigil.bench;

import io.vigil.detectors.Detectors;
import io.vigil.ensemble.EnsembleDetector;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.RunJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * bench --suite adbench-semi: every detector at its defaults on every ADBench set under the adbench-semi protocol
 * (conf/adbench-semi.conf), for each of the detector seeds (0-4), with DTE's published Table 1 beside the means.
 * Detectors that draw no random numbers (and ensembles of only such members) run once per set: their five runs
 * would be identical. Writes adbench-semi-runs (one row per run), adbench-semi (mean and spread per set and
 * detector, with DTE's figure) and adbench-semi-table.md (sets x detectors, ROC AUC x 100).
 */
public final class AdbenchSemiSuite {

  /** Vigil's detector names → DTE Table 1's columns. */
  static final Map<String, String> DTE_METHOD = Map.of("knn", "KNN", "iforest", "IForest", "pca", "PCA", "ocsvm",
      "OCSVM", "ecod", "ECOD");

  private AdbenchSemiSuite() {}

  public static List<Map<String, Object>> run(SparkSession spark, String conf, String output,
      Map<String, String> overrides, String detectorSpec, String runDate, String resultsDir) {
    JobConfig base = JobConfig.load(conf, output, overrides);
    List<Path> files = setFiles(base);
    List<Integer> seeds = Arrays.stream(overrides.getOrDefault("seeds", "0,1,2,3,4").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    List<String> detectors = Detectors.parseList(detectorSpec != null ? detectorSpec : base.get("detectors"));
    Map<String, Map<String, Double>> published = readPublished();
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Path file : files) {
      String set = JobConfig.of("set", Map.of("f", file.toString(), "n", "${f:name}")).get("n");
      for (int seed : seeds) {
        List<String> here = detectors.stream().filter(d -> seed == seeds.get(0) || drawsRandomNumbers(d, base))
            .toList();
        if (here.isEmpty()) {
          continue;
        }
        Map<String, String> sets = new LinkedHashMap<>(overrides);
        sets.remove("seeds");
        sets.put("prepare.source", file.toString());
        sets.put("seed", Integer.toString(seed));
        JobContext ctx = JobContext.of(spark, JobConfig.load(conf, output + "/seed-" + seed, sets));
        for (Map<String, Object> m : RunJob.run(ctx, here, runDate, false)) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("set", set);
          r.put("detector", m.get("detector"));
          r.put("seed", seed);
          r.put("roc_auc", m.get("roc_auc"));
          r.put("pr_auc", m.get("pr_auc"));
          r.put("n_train", m.get("n_train"));
          r.put("n_test", m.get("n_test"));
          r.put("git_commit", BenchResults.gitCommit());
          runs.add(r);
        }
      }
    }
    BenchResults.write(runs, resultsDir, "adbench-semi-runs");
    List<Map<String, Object>> summary = summarise(runs, published);
    BenchResults.write(summary, resultsDir, "adbench-semi");
    writeTable(summary, published, detectors, resultsDir);
    return summary;
  }

  /** Whether the detector's runs differ by seed: it has a seed, or it is an ensemble with a member that has one. */
  static boolean drawsRandomNumbers(String detector, JobConfig config) {
    if (detector.equals(EnsembleDetector.NAME)) {
      List<String> members = config.getList("ensemble.members");
      return (members.isEmpty() ? List.of(new EnsembleDetector().getMembers()) : members).stream()
          .anyMatch(m -> Detectors.hasParam(m, "seed"));
    }
    return Detectors.hasParam(detector, "seed");
  }

  /** The ADBench files: {@code sets} (comma list of names) from the config's folder, else every *.csv.gz there. */
  static List<Path> setFiles(JobConfig config) {
    if (config.has("sets")) {
      return config.getList("sets").stream().map(s -> setFile(config, s)).toList();
    }
    Path dir = Path.of(config.get("shared.data"), "adbench");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".csv.gz")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the ADBench sets in " + dir, e);
    }
  }

  /** The file of ADBench set {@code set} (e.g. cardio) in the config's shared data. */
  static Path setFile(JobConfig config, String set) {
    return Path.of(config.get("shared.data"), "adbench", set + ".csv.gz");
  }

  /** Mean, spread and range over seeds per (set, detector), DTE's figure beside; then each detector's mean over sets. */
  static List<Map<String, Object>> summarise(List<Map<String, Object>> runs, Map<String, Map<String, Double>> dte) {
    Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
    for (Map<String, Object> r : runs) {
      groups.computeIfAbsent(r.get("set") + "\t" + r.get("detector"), k -> new ArrayList<>()).add(r);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Map<String, Object>> g : groups.values()) {
      String set = (String) g.get(0).get("set");
      String detector = (String) g.get(0).get("detector");
      double[] roc = g.stream().mapToDouble(r -> 100 * (Double) r.get("roc_auc")).toArray();
      double[] pr = g.stream().mapToDouble(r -> 100 * (Double) r.get("pr_auc")).toArray();
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("set", set);
      s.put("detector", detector);
      s.put("runs", roc.length);
      s.put("roc_auc_x100_mean", mean(roc));
      s.put("roc_auc_x100_sd", sd(roc));
      s.put("roc_auc_x100_min", Arrays.stream(roc).min().orElse(Double.NaN));
      s.put("roc_auc_x100_max", Arrays.stream(roc).max().orElse(Double.NaN));
      s.put("pr_auc_x100_mean", mean(pr));
      Double published = dte.getOrDefault(set, Map.of()).get(DTE_METHOD.getOrDefault(detector, ""));
      s.put("dte_published_roc_auc_x100", published == null ? Double.NaN : published);
      s.put("vigil_minus_dte", published == null ? Double.NaN : mean(roc) - published);
      s.put("git_commit", g.get(0).get("git_commit"));
      out.add(s);
    }
    return out;
  }

  /** Sets x detectors (mean ROC AUC x 100), a mean row, and DTE's columns beside. */
  private static void writeTable(List<Map<String, Object>> summary, Map<String, Map<String, Double>> dte,
      List<String> detectors, String resultsDir) {
    List<String> sets = summary.stream().map(r -> (String) r.get("set")).distinct().toList();
    List<String> dteColumns = List.of("KNN", "IForest", "PCA", "OCSVM", "ECOD", "DTE-NP", "best");
    StringBuilder md = new StringBuilder("ROC AUC x 100 under adbench-semi, mean over the seeds run (see"
        + " adbench-semi.csv for the spread), every detector at its defaults; DTE's Table 1 (published) on the"
        + " right. Commit " + BenchResults.gitCommit() + ".\n\n| set |");
    detectors.forEach(d -> md.append(" ").append(d).append(" |"));
    dteColumns.forEach(c -> md.append(" DTE ").append(c).append(" |"));
    md.append("\n|---|").append("---|".repeat(detectors.size() + dteColumns.size())).append('\n');
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String set : sets) {
      md.append("| ").append(set).append(" |");
      for (String d : detectors) {
        double v = summary.stream().filter(r -> r.get("set").equals(set) && r.get("detector").equals(d))
            .mapToDouble(r -> (Double) r.get("roc_auc_x100_mean")).findFirst().orElse(Double.NaN);
        md.append(String.format(" %.2f |", v));
        sums.computeIfAbsent(d, k -> new double[2])[0] += v;
        sums.get(d)[1]++;
      }
      for (String c : dteColumns) {
        Double v = dte.getOrDefault(set, Map.of()).get(c);
        md.append(v == null ? " |" : String.format(" %.2f |", v));
        sums.computeIfAbsent("dte:" + c, k -> new double[2])[0] += v == null ? Double.NaN : v;
        sums.get("dte:" + c)[1]++;
      }
      md.append('\n');
    }
    md.append("| **mean** |");
    detectors.forEach(d -> md.append(String.format(" **%.2f** |", sums.get(d)[0] / sums.get(d)[1])));
    dteColumns.forEach(c -> md.append(String.format(" %.2f |", sums.get("dte:" + c)[0] / sums.get("dte:" + c)[1])));
    md.append('\n');
    BenchResults.writeText(resultsDir, "adbench-semi-table.md", md);
  }

  /** DTE's Table 1 for the six sets (a resource beside this class, with its source): set → method → ROC AUC x 100. */
  static Map<String, Map<String, Double>> readPublished() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        AdbenchSemiSuite.class.getResourceAsStream("dte-table1-roc-auc.csv"), StandardCharsets.UTF_8))) {
      String[] header = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        if (header == null) {
          header = f;
          continue;
        }
        Map<String, Double> row = new LinkedHashMap<>();
        for (int i = 1; i < f.length && i < header.length; i++) {
          if (!header[i].equals("best_method")) {
            row.put(header[i], Double.parseDouble(f[i]));
          }
        }
        out.put(f[0], row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read DTE's published figures", e);
    }
    return out;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double sd(double[] v) {
    double m = mean(v);
    return v.length < 2 ? 0.0 : Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
  }
}
