package io.vigil.detectors;

import io.vigil.core.AnomalyDetector;
import io.vigil.autoencoder.AutoencoderDetector;
import io.vigil.bigan.BiGanDetector;
import io.vigil.ecod.EcodDetector;
import io.vigil.ensemble.EnsembleDetector;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.knn.KnnDetector;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.pca.PcaDetector;
import io.vigil.sequence.SequenceDetector;
import io.vigil.vae.VaeDetector;
import io.vigil.windowed.WindowedDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;

/**
 * The detectors by their names in configs and on the command line, and a generic way to set their
 * params from text ({@code k=5}), so a new detector plugs into the jobs by being listed here.
 */
public final class Detectors {

  private static final Map<String, Supplier<AnomalyDetector<?, ?>>> BY_NAME = new LinkedHashMap<>();

  /** Param names a release renamed: the old name, and the name to use instead. */
  private static final Map<String, String> RENAMED = Map.of("randomSeed", "seed");

  static {
    register(PcaDetector.NAME, PcaDetector::new);
    register(AutoencoderDetector.NAME, AutoencoderDetector::new);
    register(VaeDetector.NAME, VaeDetector::new);
    register(SequenceDetector.NAME, SequenceDetector::new);
    register(BiGanDetector.NAME, BiGanDetector::new);
    register(OneClassSvmDetector.NAME, OneClassSvmDetector::new);
    register(IsolationForestDetector.NAME, IsolationForestDetector::new);
    register(KnnDetector.NAME, KnnDetector::new);
    register(EcodDetector.NAME, EcodDetector::new);
    register(EnsembleDetector.NAME, EnsembleDetector::new);
    register(WindowedDetector.NAME, WindowedDetector::new);
  }

  private static void register(String name, Supplier<AnomalyDetector<?, ?>> create) {
    BY_NAME.put(name, create);
  }

  private Detectors() {}

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** Whether the detector named {@code name} has a param {@code param} (e.g. a seed). */
  public static boolean hasParam(String name, String param) {
    Supplier<AnomalyDetector<?, ?>> factory = BY_NAME.get(name);
    return factory != null && factory.get().hasParam(param);
  }

  /** Expands "all", a single name or a comma list into known detector names, in the order given. */
  public static List<String> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("No detector named; use one of " + names() + ", a comma list, or all.");
    }
    if (spec.trim().equals("all")) { // every single detector; an ensemble is named explicitly
      return names().stream().filter(n -> !n.equals(EnsembleDetector.NAME)).toList();
    }
    List<String> out = new ArrayList<>();
    for (String s : spec.split(",")) {
      String name = s.trim();
      if (!BY_NAME.containsKey(name)) {
        throw new IllegalArgumentException("Unknown detector '" + name + "'; known: " + names() + " (or all).");
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * As {@link #create(String, Map)}; an ensemble's members, and the row detector of a windowed detector, are
   * created by name too, each with the params {@code memberParams} gives it.
   */
  public static AnomalyDetector<?, ?> create(String name, Map<String, String> params,
      java.util.function.Function<String, Map<String, String>> memberParams) {
    AnomalyDetector<?, ?> detector = create(name, params);
    if (detector instanceof EnsembleDetector ensemble) {
      List<AnomalyDetector<?, ?>> members = new ArrayList<>();
      for (String member : ensemble.getMembers()) {
        if (member.equals(EnsembleDetector.NAME)) {
          throw new IllegalArgumentException("An ensemble cannot be a member of an ensemble.");
        }
        members.add(create(member, memberParams.apply(member)));
      }
      ensemble.setMemberDetectors(members);
    }
    if (detector instanceof WindowedDetector windowed) {
      windowed.setWindowDetector(create(windowed.getDetector(), memberParams.apply(windowed.getDetector())));
    }
    return detector;
  }

  /** A new detector named {@code name} with {@code params} (param name → value as text) set. */
  public static AnomalyDetector<?, ?> create(String name, Map<String, String> params) {
    Supplier<AnomalyDetector<?, ?>> factory = BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("Unknown detector '" + name + "'; known: " + names() + ".");
    }
    AnomalyDetector<?, ?> detector = factory.get();
    return setParams(detector, name, params);
  }

  /**
   * {@code target} with {@code params} (param name → value as text) parsed by each param's type, checked and
   * set; {@code name} is how errors call it (a detector's name, a config prefix).
   */
  public static <T extends org.apache.spark.ml.param.Params> T setParams(T target, String name,
      Map<String, String> params) {
    params.forEach((key, value) -> setFromText(target, name, key, value));
    return target;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setFromText(org.apache.spark.ml.param.Params detector, String name, String key,
      String value) {
    if (RENAMED.containsKey(key) && !detector.hasParam(key)) {
      throw new IllegalArgumentException(String.format("%s.%s was renamed: set %s.%s instead.", name, key, name,
          RENAMED.get(key)));
    }
    if (!detector.hasParam(key)) {
      List<String> known = Arrays.stream(detector.params()).map(Param::name).sorted().toList();
      throw new IllegalArgumentException(String.format("%s '%s' has no parameter '%s'; it has %s.",
          detector instanceof AnomalyDetector ? "Detector" : "Stage", name, key, known));
    }
    Param param = detector.getParam(key);
    Object parsed;
    String v = value.trim();
    try {
      if (param instanceof IntParam) {
        parsed = Integer.parseInt(v);
      } else if (param instanceof LongParam) {
        parsed = Long.parseLong(v);
      } else if (param instanceof DoubleParam) {
        parsed = Double.parseDouble(v);
      } else if (param instanceof FloatParam) {
        parsed = Float.parseFloat(v);
      } else if (param instanceof BooleanParam) {
        if (!v.equals("true") && !v.equals("false")) {
          throw new NumberFormatException();
        }
        parsed = Boolean.parseBoolean(v);
      } else if (param instanceof org.apache.spark.ml.param.StringArrayParam) {
        parsed = Arrays.stream(v.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toArray(String[]::new);
      } else if (param instanceof org.apache.spark.ml.param.DoubleArrayParam) {
        parsed = v.isEmpty() ? new double[0]
            : Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
      } else {
        parsed = v;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("%s.%s must be a %s, got '%s'. (%s)", name, key,
          param.getClass().getSimpleName().replace("Param", "").toLowerCase(), value, param.doc()));
    }
    if (!((Boolean) param.isValid().apply(parsed))) {
      throw new IllegalArgumentException(String.format("%s.%s = %s is not allowed: %s", name, key, v,
          param.doc()));
    }
    detector.set(param, parsed);
  }
}
