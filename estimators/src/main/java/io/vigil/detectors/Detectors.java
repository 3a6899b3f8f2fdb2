package io.vigil.detectors;

import io.vigil.core.AnomalyDetector;
import io.vigil.autoencoder.AutoencoderDetector;
import io.vigil.bigan.BiGanDetector;
import io.vigil.ensemble.EnsembleDetector;
import io.vigil.iforest.IsolationForestDetector;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.pca.PcaDetector;
import io.vigil.sequence.SequenceDetector;
import io.vigil.vae.VaeDetector;
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

  private static final Map<String, Supplier<AnomalyDetector<?>>> BY_NAME = new LinkedHashMap<>();
  private static final Map<Class<?>, String> NAME_OF_CLASS = new java.util.HashMap<>();

  static {
    register(PcaDetector.NAME, PcaDetector.class, PcaDetector::new);
    register(AutoencoderDetector.NAME, AutoencoderDetector.class, AutoencoderDetector::new);
    register(VaeDetector.NAME, VaeDetector.class, VaeDetector::new);
    register(SequenceDetector.NAME, SequenceDetector.class, SequenceDetector::new);
    register(BiGanDetector.NAME, BiGanDetector.class, BiGanDetector::new);
    register(OneClassSvmDetector.NAME, OneClassSvmDetector.class, OneClassSvmDetector::new);
    register(IsolationForestDetector.NAME, IsolationForestDetector.class, IsolationForestDetector::new);
    register(EnsembleDetector.NAME, EnsembleDetector.class, EnsembleDetector::new);
  }

  private static <D extends AnomalyDetector<?>> void register(String name, Class<D> type, Supplier<D> create) {
    BY_NAME.put(name, create::get);
    NAME_OF_CLASS.put(type, name);
  }

  private Detectors() {}

  /** The registered name of a detector's class (an error naming the class when it is not registered). */
  public static String nameOf(AnomalyDetector<?> detector) {
    String name = NAME_OF_CLASS.get(detector.getClass());
    if (name == null) {
      throw new IllegalArgumentException(detector.getClass().getSimpleName() + " is not a registered detector.");
    }
    return name;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
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
   * As {@link #create(String, Map)}; an ensemble's members are created by name too, each with the params
   * {@code memberParams} gives it.
   */
  public static AnomalyDetector<?> create(String name, Map<String, String> params,
      java.util.function.Function<String, Map<String, String>> memberParams) {
    AnomalyDetector<?> detector = create(name, params);
    if (detector instanceof EnsembleDetector ensemble) {
      ensemble.setMemberDetectors(List.of(ensemble.getMembers()), memberParams);
    }
    return detector;
  }

  /** A new detector named {@code name} with {@code params} (param name → value as text) set. */
  public static AnomalyDetector<?> create(String name, Map<String, String> params) {
    Supplier<AnomalyDetector<?>> factory = BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("Unknown detector '" + name + "'; known: " + names() + ".");
    }
    AnomalyDetector<?> detector = factory.get();
    params.forEach((key, value) -> setFromText(detector, name, key, value));
    return detector;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setFromText(AnomalyDetector<?> detector, String name, String key, String value) {
    if (!detector.hasParam(key)) {
      List<String> known = Arrays.stream(detector.params()).map(Param::name).sorted().toList();
      throw new IllegalArgumentException(String.format("Detector '%s' has no parameter '%s'; it has %s.",
          name, key, known));
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
