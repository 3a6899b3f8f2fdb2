package io.vigil.windowed;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.persist.ModelPersistence;
import io.vigil.sequence.SequenceWindows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Any row detector over lagged windows: time-ordered rows are cut into windows as the sequence
 * encoder–decoder cuts them ({@link SequenceWindows}), each window flattened into one vector of
 * windowLength x features values, and the row detector ({@code detector}, e.g. pca or iforest) is fit on the
 * training rows' windows and scores windows; a row's score is the max (or mean) of its windows' scores.
 * So a sensor team can compare the LSTM with simpler windowed detectors on the same windows. The row
 * detector comes configured ({@link #setWindowDetector}; {@code Detectors.create("windowed", ...)} builds it
 * from {@code detector}); saved with it.
 */
public class WindowedDetector extends AnomalyDetector<WindowedModel, WindowedDetector> implements WindowedParams {

  /** The column of window vectors the row detector reads. */
  static final String WINDOW = "_vigil_window";

  private AnomalyDetector<?, ?> windowDetector;

  public WindowedDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public WindowedDetector(String uid) { super(uid); }

  public WindowedDetector setEntityCol(String v) { return setParam(entityCol(), v); }
  public WindowedDetector setOrderCol(String v) { return setParam(orderCol(), v); }
  public WindowedDetector setWindowLength(int v) { return setParam(windowLength(), v); }
  public WindowedDetector setWindowStride(int v) { return setParam(windowStride(), v); }
  public WindowedDetector setMaxGap(double v) { return setParam(maxGap(), v); }
  public WindowedDetector setWindowScore(String v) { return setParam(windowScore(), v); }
  public WindowedDetector setIdCol(String v) { return setParam(idCol(), v); }

  /** The row detector that scores the windows, configured elsewhere (its params set); its name becomes detector. */
  public WindowedDetector setWindowDetector(AnomalyDetector<?, ?> detector) {
    if (detector instanceof WindowedDetector || detector.detectorName().equals("ensemble")
        || detector.hasParam("orderCol")) {
      throw new IllegalArgumentException("The windowed detector scores windows with a row detector, not with "
          + detector.detectorName() + ".");
    }
    set(detector(), detector.detectorName());
    windowDetector = detector;
    return this;
  }

  /** The row detector, or an error saying how to set it. */
  public AnomalyDetector<?, ?> windowDetector() {
    if (windowDetector == null || !windowDetector.detectorName().equals(getDetector())) {
      throw new IllegalArgumentException("The windowed detector has no " + getDetector() + " detector set; set it with"
          + " setWindowDetector (Detectors.create(\"windowed\", ...) builds it from detector).");
    }
    return windowDetector;
  }

  @Override
  protected List<String> trainingColumns() {
    List<String> cols = new ArrayList<>(super.trainingColumns());
    cols.addAll(windowColumns());
    cols.add(getIdCol());
    return cols;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return super.transformSchema(requireWindowedColumns(schema));
  }

  @Override
  protected WindowedModel train(Dataset<Row> features, long numRows) {
    Dataset<Row> windows = SequenceWindows.windowVectors(features, getFeaturesCol(), windowSpec(), WINDOW);
    // The row detector's own threshold is never used: the windowed model's comes from its row scores.
    AnomalyModel<?> model = windowDetector().copy(ParamMap.empty()).setFeaturesCol(WINDOW)
        .setThresholdStrategy(SharedParams.FIXED).setThreshold(0.0).fit(windows);
    return new WindowedModel(uid(), model, model.getNumFeatures() / getWindowLength());
  }

  @Override
  public WindowedDetector copy(ParamMap extra) {
    WindowedDetector copied = defaultCopy(extra);
    copied.windowDetector = windowDetector == null ? null : windowDetector.copy(ParamMap.empty());
    return copied;
  }

  @Override
  public MLWriter write() {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        ModelPersistence.saveMetadata(WindowedDetector.this, path, sc(), Map.of("detector", NAME));
        ModelPersistence.save(windowDetector(), WindowedModel.innerPath(path));
      }
    };
  }

  public static MLReader<WindowedDetector> read() {
    return new MLReader<WindowedDetector>() {
      @Override
      public WindowedDetector load(String path) {
        DefaultParamsReader.Metadata metadata = ModelPersistence.loadUnsealedMetadata(path, sc(), WindowedDetector.class);
        WindowedDetector detector = new WindowedDetector(metadata.uid());
        ModelPersistence.setParams(metadata, detector);
        return detector.setWindowDetector((AnomalyDetector<?, ?>) DefaultParamsReader$.MODULE$.loadParamsInstance(
            WindowedModel.innerPath(path), sc()));
      }
    };
  }

  public static WindowedDetector load(String path) { return read().load(path); }
}
