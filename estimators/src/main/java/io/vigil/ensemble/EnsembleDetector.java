package io.vigil.ensemble;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * An ensemble of detectors over one features column: each member is fit on the training rows, its
 * training scores fix its normalisation (rank or robust z), and a row's score is the weighted mean or
 * the max of its members' normalised scores. The members' own params are set on the member detectors
 * ({@link #setMemberDetectors}, or by name with defaults); weights can be chosen on labelled validation
 * rows afterwards with {@link EnsembleModel#tuneWeights}.
 */
public class EnsembleDetector extends AnomalyDetector<EnsembleModel> implements EnsembleParams {

  public static final String NAME = "ensemble";

  private final StringArrayParam members;
  private final Param<String> normalization;
  private final Param<String> combination;
  private final DoubleArrayParam weights;
  /** The members as configured (by {@link #setMemberDetectors}); null = by name, with their defaults. */
  private List<AnomalyDetector<?>> memberDetectors;

  public EnsembleDetector() {
    this(Identifiable$.MODULE$.randomUID("ensemble"));
  }

  public EnsembleDetector(String uid) {
    super(uid);
    members = EnsembleParams.members(this);
    normalization = EnsembleParams.normalization(this);
    combination = EnsembleParams.combination(this);
    weights = EnsembleParams.weights(this);
    EnsembleParams.setEnsembleDefaults(this);
  }

  @Override public StringArrayParam members() { return members; }
  @Override public Param<String> normalization() { return normalization; }
  @Override public Param<String> combination() { return combination; }
  @Override public DoubleArrayParam weights() { return weights; }

  public EnsembleDetector setMembers(String... names) { set(members, names); memberDetectors = null; return this; }
  public EnsembleDetector setNormalization(String v) { set(normalization, v); return this; }
  public EnsembleDetector setCombination(String v) { set(combination, v); return this; }
  public EnsembleDetector setWeights(double... v) { set(weights, v); return this; }
  public EnsembleDetector setContamination(double v) { set(contamination(), v); return this; }

  /** Members configured elsewhere (their params set); their names become {@code members}. */
  public EnsembleDetector setMemberDetectors(List<? extends AnomalyDetector<?>> detectors) {
    set(members, detectors.stream().map(Detectors::nameOf).toArray(String[]::new));
    memberDetectors = new ArrayList<>(detectors);
    return this;
  }

  /** Members by name, each with the params {@code paramsOf} gives it (the jobs' {@code <name>.<param>} keys). */
  public EnsembleDetector setMemberDetectors(List<String> names, Function<String, Map<String, String>> paramsOf) {
    memberDetectors = create(names, paramsOf);
    set(members, names.toArray(new String[0]));
    return this;
  }

  private static List<AnomalyDetector<?>> create(List<String> names, Function<String, Map<String, String>> paramsOf) {
    List<AnomalyDetector<?>> detectors = new ArrayList<>();
    for (String name : names) {
      if (name.equals(NAME)) {
        throw new IllegalArgumentException("An ensemble cannot be a member of an ensemble.");
      }
      detectors.add(Detectors.create(name, paramsOf.apply(name)));
    }
    return detectors;
  }

  private List<AnomalyDetector<?>> memberDetectors() {
    String[] names = getMembers();
    if (names.length < 2) {
      throw new IllegalArgumentException("An ensemble needs at least two members; members = "
          + Arrays.toString(names) + ".");
    }
    double[] w = getWeights();
    if (w.length != 0 && w.length != names.length) {
      throw new IllegalArgumentException(String.format("weights has %d values for %d members %s.", w.length,
          names.length, Arrays.toString(names)));
    }
    if (memberDetectors != null) {
      return memberDetectors;
    }
    return create(Arrays.asList(names), n -> Map.of());
  }

  @Override
  protected EnsembleModel train(Dataset<Row> features, long numRows) {
    List<AnomalyDetector<?>> detectors = memberDetectors();
    List<AnomalyModel<?>> fitted = new ArrayList<>();
    double[][] normalizers = new double[detectors.size()][];
    for (int i = 0; i < detectors.size(); i++) {
      // Each member scores into its own column; its threshold is never used (the ensemble has one), so
      // it skips the training-score pass it would make for one.
      String column = EnsembleModel.memberScoreCol(i);
      AnomalyDetector<?> member = (AnomalyDetector<?>) detectors.get(i).copy(ParamMap.empty()
          .put(detectors.get(i).featuresCol(), getFeaturesCol()).put(detectors.get(i).scoreCol(), column)
          .put(detectors.get(i).thresholdStrategy(), SharedParams.FIXED).put(detectors.get(i).threshold(), 0.0)
          .put(detectors.get(i).explainTopK(), 0));
      AnomalyModel<?> model = member.fit(features);
      fitted.add(model);
      // robustZ reads the scores twice (median, then deviations from it): score the training rows once
      Dataset<Row> scores = model.scoreOnly(features).select(column).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        normalizers[i] = Normalization.fit(scores, column, getNormalization());
      } finally {
        scores.unpersist();
      }
    }
    return new EnsembleModel(uid(), fitted, normalizers, fitted.get(0).getNumFeatures());
  }

  @Override
  public EnsembleDetector copy(ParamMap extra) {
    EnsembleDetector copied = (EnsembleDetector) defaultCopy(extra);
    copied.memberDetectors = memberDetectors;
    return copied;
  }
}
