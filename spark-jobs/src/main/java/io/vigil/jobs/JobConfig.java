package io.vigil.jobs;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job config: a Java properties file ({@code key = value}, {@code #} comments) of the keys listed in
 * the README's Configs section. Values may refer to other keys as {@code ${key}}, also nested ({@code ${a.${b}}} reads
 * the key named after b's value); {@code ${output}} is the warehouse
 * root given with --output, and {@code ${shared.data}} defaults to the environment variable
 * VIGIL_SHARED_DATA, else ../shared/data. Command-line {@code --set key=value} overrides the file. A reference
 * to a date key may add or subtract whole days: {@code ${run_date - 28d}}, {@code ${run_date + 1d}}.
 * {@code ${key:name}} is the file a key names without its folder and extensions ({@code cardio.csv.gz} → {@code cardio}).
 */
public final class JobConfig {

  /** An innermost reference: ${name} with no reference inside the name. */
  private static final Pattern REF = Pattern.compile("\\$\\{([^${}]+)}");

  private final String source;
  private final Map<String, String> values;

  private JobConfig(String source, Map<String, String> values) {
    this.source = source;
    this.values = values;
  }

  public static JobConfig load(String file, String output, Map<String, String> overrides) {
    Properties p = new Properties();
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("Config file " + file + " does not exist.");
    }
    try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read config " + file, e);
    }
    Map<String, String> raw = new LinkedHashMap<>();
    String env = System.getenv("VIGIL_SHARED_DATA");
    raw.put("shared.data", env != null && !env.isBlank() ? env : "../shared/data");
    p.stringPropertyNames().stream().sorted().forEach(k -> raw.put(k, p.getProperty(k).trim()));
    if (env != null && !env.isBlank()) {
      raw.put("shared.data", env); // the environment wins over the file's default
    }
    raw.putAll(overrides);
    raw.put("output", output);
    return of(file, raw);
  }

  /**
   * A config from a map (tests, and jobs that build one); references are resolved, then every path
   * ({@code output}, {@code *.path}, {@code prepare.source}, {@code prepare.output}) is normalised
   * ({@code a/./b/../c} → {@code a/c}) and, when roots are configured ({@code paths.roots} or the
   * environment variable VIGIL_PATH_ROOTS, a comma list), must lie under one of them.
   */
  public static JobConfig of(String source, Map<String, String> raw) {
    Map<String, String> resolved = new LinkedHashMap<>();
    for (String k : raw.keySet()) {
      resolved.put(k, resolve(source, raw, k, raw.get(k), 0));
    }
    String env = System.getenv("VIGIL_PATH_ROOTS");
    String rootList = env != null && !env.isBlank() ? env : resolved.getOrDefault("paths.roots", "");
    List<String> roots = new ArrayList<>();
    for (String r : rootList.split(",")) {
      if (!r.isBlank()) {
        roots.add(normalisePath(r.trim()));
      }
    }
    for (Map.Entry<String, String> e : resolved.entrySet()) {
      String k = e.getKey();
      if (e.getValue().isBlank() || !(k.equals("output") || k.endsWith(".path") || k.equals("prepare.source")
          || k.equals("prepare.output"))) {
        continue;
      }
      String normal = normalisePath(e.getValue());
      if (!roots.isEmpty() && roots.stream().noneMatch(r -> normal.equals(r) || normal.startsWith(r + "/"))) {
        throw new IllegalArgumentException(String.format("Config %s: %s = %s is outside the allowed roots %s"
            + " (paths.roots / VIGIL_PATH_ROOTS).", source, k, normal, roots));
      }
      e.setValue(normal);
    }
    return new JobConfig(source, resolved);
  }

  /**
   * A path with {@code .} and {@code ..} segments resolved: absolute for local paths (relative ones
   * against the working directory), unchanged scheme and authority for URIs such as hdfs://nn/x.
   */
  static String normalisePath(String path) {
    if (path.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      java.net.URI u = java.net.URI.create(path).normalize();
      String p = u.getPath();
      if (p != null && (p.startsWith("/..") || p.contains("/../"))) {
        throw new IllegalArgumentException("Path " + path + " climbs above its root.");
      }
      return u.toString().replaceAll("/+$", "");
    }
    String local = path.startsWith("file:") ? path.substring("file:".length()) : path;
    return Path.of(local).toAbsolutePath().normalize().toString();
  }

  /**
   * {@code value} with its references replaced, innermost first, so a reference may be built from another:
   * {@code ${nab.epochs.${nab.series}}} reads the key named after nab.series's value.
   */
  private static String resolve(String source, Map<String, String> raw, String key, String value, int depth) {
    if (depth > 10) {
      throw new IllegalArgumentException("Config " + source + ": '" + key + "' refers to itself through ${…}.");
    }
    String current = value;
    int passes = 0;
    for (Matcher m = REF.matcher(current); m.find(); m = REF.matcher(current)) {
      if (++passes > 10) {
        throw new IllegalArgumentException("Config " + source + ": '" + key + "' nests ${…} more than 10 deep.");
      }
      StringBuilder out = new StringBuilder();
      do {
        String ref = m.group(1);
        Matcher arithmetic = DATE_ARITHMETIC.matcher(ref);
        boolean fileName = ref.trim().endsWith(FILE_NAME);
        String name = arithmetic.matches() ? arithmetic.group(1)
            : fileName ? ref.trim().substring(0, ref.trim().length() - FILE_NAME.length()) : ref.trim();
        String v = raw.get(name);
        if (v == null) {
          throw new IllegalArgumentException(String.format("Config %s: '%s' refers to ${%s}, which is not set.",
              source, key, name));
        }
        String resolved = resolve(source, raw, name, v, depth + 1);
        if (arithmetic.matches()) {
          resolved = shiftDate(source, key, ref, resolved, arithmetic);
        } else if (fileName) {
          resolved = nameOfFile(resolved);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(resolved));
      } while (m.find());
      m.appendTail(out);
      current = out.toString();
    }
    return current;
  }

  /** {@code ${prepare.source:name}}: the file a key names, without its folder and extensions (cardio.csv.gz → cardio). */
  private static final String FILE_NAME = ":name";

  static String nameOfFile(String path) {
    String file = path.replaceAll("/+$", "");
    file = file.substring(file.lastIndexOf('/') + 1);
    int dot = file.indexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }

  /** {@code ${run_date - 28d}}: a key holding a date (yyyy-MM-dd), plus or minus whole days. */
  private static final Pattern DATE_ARITHMETIC = Pattern.compile("\\s*([\\w.]+)\\s*([+-])\\s*(\\d+)\\s*d\\s*");

  private static String shiftDate(String source, String key, String ref, String date, Matcher arithmetic) {
    java.time.LocalDate day;
    try {
      day = java.time.LocalDate.parse(date.trim());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(String.format("Config %s: '%s' uses ${%s}, but %s = '%s' is not a date"
          + " (yyyy-MM-dd).", source, key, ref, arithmetic.group(1), date));
    }
    long days = Long.parseLong(arithmetic.group(3));
    return (arithmetic.group(2).equals("+") ? day.plusDays(days) : day.minusDays(days)).toString();
  }

  /** Every key and its resolved value. */
  public Map<String, String> values() {
    return java.util.Collections.unmodifiableMap(values);
  }

  public String source() {
    return source;
  }

  public boolean has(String key) {
    String v = values.get(key);
    return v != null && !v.isBlank();
  }

  public String get(String key) {
    if (!has(key)) {
      throw new IllegalArgumentException("Config " + source + " has no value for '" + key + "'.");
    }
    return values.get(key);
  }

  public String get(String key, String fallback) {
    return has(key) ? values.get(key) : fallback;
  }

  public double getDouble(String key, double fallback) {
    if (!has(key)) {
      return fallback;
    }
    try {
      return Double.parseDouble(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("Config %s: '%s' must be a number, got '%s'.", source,
          key, get(key)));
    }
  }

  /** A comma list; empty when the key is absent or blank. */
  public List<String> getList(String key) {
    if (!has(key)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : Arrays.asList(get(key).split(","))) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** Every key starting with {@code prefix + "."}, with the prefix removed (e.g. detector params). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix + ".")) {
        out.put(k.substring(prefix.length() + 1), v);
      }
    });
    return out;
  }

  /** A short name for tables and reports: {@code dataset} and {@code protocol}, e.g. kdd_kdd-honest. */
  public String datasetKey() {
    return get("dataset") + "_" + get("protocol", "custom");
  }
}
