package io.vigil.core;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Where a detector or model keeps its params. Each param is defined once, in a default accessor of a
 * {@code *Params} interface shared by the Estimator and its Model ({@link DetectorParams#defineParam});
 * the registry makes it the first time the accessor is called and remembers its default. So neither
 * class declares a field, assigns a factory or overrides an accessor: the role a Scala params trait
 * plays in Spark and linkedin/isolation-forest.
 *
 * <p>Spark finds params by calling every public no-argument accessor returning a {@code Param}
 * ({@code Params.params}); {@link #initialize} does that once from the base constructor, then sets the
 * defaults, so every param exists with its default before anything reads it.
 */
public final class ParamRegistry implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, Param<?>> byName = new LinkedHashMap<>();
  private final transient Map<Param<?>, Object> pendingDefaults = new LinkedHashMap<>();
  private Params owner;

  /** The param {@code name}, made by {@code make} on first use; {@code defaultValue} null = no default. */
  @SuppressWarnings("unchecked")
  synchronized <T, P extends Param<T>> P get(String name, T defaultValue, Supplier<P> make) {
    Param<?> known = byName.get(name);
    if (known != null) {
      return (P) known;
    }
    P made = make.get();
    if (!made.name().equals(name)) {
      throw new IllegalStateException("Param defined as '" + name + "' is named '" + made.name() + "'.");
    }
    byName.put(name, made);
    if (defaultValue != null) {
      if (owner == null) {
        pendingDefaults.put(made, defaultValue);
      } else {
        owner.setDefault(made, defaultValue);
      }
    }
    return made;
  }

  /**
   * Makes every param of {@code owner} (through Spark's reflective {@code params}), sets their defaults, then
   * the owner's {@link DetectorParams#defaultOverrides}. Called once from each base constructor, after uid.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  synchronized void initialize(DetectorParams owner) {
    owner.params();
    for (Map.Entry<Param<?>, Object> e : pendingDefaults.entrySet()) {
      owner.setDefault((Param) e.getKey(), e.getValue());
    }
    pendingDefaults.clear();
    owner.defaultOverrides().forEach((name, value) -> owner.setDefault((Param) owner.getParam(name), value));
    this.owner = owner;
  }
}
