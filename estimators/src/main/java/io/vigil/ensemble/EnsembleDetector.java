package io.vigil.ensemble;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.persist.ModelPersistence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An ensemble of detectors over one features column: each member is fit on the training rows, its
 * training scores fix its normalisation (rank or robust z), and a row's score is the weighted mean or
 * the max of its members' normalised scores. The members are detectors with their own params
 * ({@link #setMemberDetectors}; {@code Detectors.create("ensemble", ...)} builds them by name); weights
 * can be chosen on labelled validation rows afterwards (AnomalyPipeline, or
 * {@link EnsembleModel#tuneWeights}). Saved with its members, each with its settings.
 */
public class EnsembleDetector extends AnomalyDetector<EnsembleModel, EnsembleDetector> implements EnsembleParams {

  /** The members, with their params; {@code members} holds their names. */
  private List<AnomalyDetector<?, ?>> memberDetectors = List.of();

  public EnsembleDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public EnsembleDetector(String uid) { super(uid); }

  public EnsembleDetector setNormalization(String v) { return setParam(normalization(), v); }
  public EnsembleDetector setCombination(String v) { return setParam(combination(), v); }
  public EnsembleDetector setWeights(double... v) { return setParam(weights(), v); }

  /** The members, configured elsewhere (their params set); their names become {@code members}. */
  public EnsembleDetector setMemberDetectors(List<? extends AnomalyDetector<?, ?>> detectors) {
    for (AnomalyDetector<?, ?> d : detectors) {
      if (d instanceof EnsembleDetector) {
        throw new IllegalArgumentException("An ensemble cannot be a member of an ensemble.");
      }
    }
    set(members(), detectors.stream().map(AnomalyDetector::detectorName).toArray(String[]::new));
    memberDetectors = List.copyOf(detectors);
    return this;
  }

  /** The member detectors, in members' order. */
  public List<AnomalyDetector<?, ?>> memberDetectors() {
    return memberDetectors;
  }

  private List<AnomalyDetector<?, ?>> checkedMembers() {
    String[] names = getMembers();
    if (memberDetectors.size() != names.length) {
      throw new IllegalArgumentException(String.format("The ensemble has %d member detectors for members = %s; set"
          + " them with setMemberDetectors (Detectors.create(\"ensemble\", ...) builds them from members).",
          memberDetectors.size(), Arrays.toString(names)));
    }
    if (names.length < 2) {
      throw new IllegalArgumentException("An ensemble needs at least two members; members = "
          + Arrays.toString(names) + ".");
    }
    double[] w = getWeights();
    if (w.length != 0 && w.length != names.length) {
      throw new IllegalArgumentException(String.format("weights has %d values for %d members %s.", w.length,
          names.length, Arrays.toString(names)));
    }
    return memberDetectors;
  }

  @Override
  protected EnsembleModel train(Dataset<Row> features, long numRows) {
    List<AnomalyDetector<?, ?>> detectors = checkedMembers();
    List<AnomalyModel<?>> fitted = new ArrayList<>();
    double[][] normalizers = new double[detectors.size()][];
    for (int i = 0; i < detectors.size(); i++) {
      // Each member scores into its own column; its threshold is never used (the ensemble has one). Its
      // normalisation is fitted on the training scores its fit computes anyway.
      String column = EnsembleModel.memberScoreCol(i);
      AnomalyDetector<?, ?> member = detectors.get(i).copy(ParamMap.empty()
          .put(detectors.get(i).featuresCol(), getFeaturesCol()).put(detectors.get(i).scoreCol(), column)
          .put(detectors.get(i).thresholdStrategy(), SharedParams.FIXED).put(detectors.get(i).threshold(), 0.0)
          .put(detectors.get(i).explainTopK(), 0));
      int index = i;
      fitted.add(member.fit(features, scores -> normalizers[index] = Normalization.fit(scores, column,
          getNormalization())));
    }
    return new EnsembleModel(uid(), fitted, normalizers, fitted.get(0).getNumFeatures());
  }

  @Override
  public EnsembleDetector copy(ParamMap extra) {
    EnsembleDetector copied = defaultCopy(extra);
    copied.memberDetectors = memberDetectors.stream().<AnomalyDetector<?, ?>>map(d -> d.copy(ParamMap.empty()))
        .toList();
    return copied;
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<EnsembleDetector> read() { return new Reader(); }

  public static EnsembleDetector load(String path) { return read().load(path); }

  /** Spark's metadata (the ensemble's params) + each member detector's own under {@code members/<i>}. */
  static final class Writer extends MLWriter {
    private final EnsembleDetector detector;

    Writer(EnsembleDetector detector) {
      this.detector = detector;
    }

    @Override
    public void saveImpl(String path) {
      ModelPersistence.saveMetadata(detector, path, sc(), Map.of("detector", NAME));
      for (int i = 0; i < detector.memberDetectors.size(); i++) {
        ModelPersistence.save(detector.memberDetectors.get(i), EnsembleModel.memberPath(path, i));
      }
    }
  }

  static final class Reader extends MLReader<EnsembleDetector> {
    @Override
    public EnsembleDetector load(String path) {
      DefaultParamsReader.Metadata metadata = ModelPersistence.loadUnsealedMetadata(path, sc(), EnsembleDetector.class);
      EnsembleDetector detector = new EnsembleDetector(metadata.uid());
      ModelPersistence.setParams(metadata, detector);
      List<AnomalyDetector<?, ?>> members = new ArrayList<>();
      for (int i = 0; i < detector.getMembers().length; i++) {
        members.add((AnomalyDetector<?, ?>) DefaultParamsReader$.MODULE$.loadParamsInstance(
            EnsembleModel.memberPath(path, i), sc()));
      }
      return detector.setMemberDetectors(members);
    }
  }
}
