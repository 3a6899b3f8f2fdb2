package io.vigil.windowed;

import io.vigil.core.AnomalyModel;
import io.vigil.persist.ModelPersistence;
import io.vigil.sequence.SequenceWindows;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted windowed detector: the row detector's model over window vectors. Scoring cuts the rows into
 * windows (each carrying its rows' ids), scores the windows with that model, gives each row the max (or
 * mean) of its windows' scores and joins the scores back to the rows by {@code idCol}.
 */
public class WindowedModel extends AnomalyModel<WindowedModel> implements WindowedParams {

  private final AnomalyModel<?> windowModel;

  WindowedModel(String uid, AnomalyModel<?> windowModel, int width) {
    super(uid);
    this.windowModel = windowModel;
    set(numFeatures(), width);
  }

  /** The row detector's model, which scores window vectors. */
  public AnomalyModel<?> windowModel() {
    return windowModel;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return super.transformSchema(requireWindowedColumns(schema));
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    String windowScore = io.vigil.features.FeaturePipeline.TEMP_PREFIX + "window_score";
    Dataset<Row> windows = SequenceWindows.windows(dataset.toDF(), getFeaturesCol(), getIdCol(), windowSpec(),
        WindowedDetector.WINDOW);
    Dataset<Row> scoredWindows = windowModel.copy(new ParamMap().put(windowModel.scoreCol(), windowScore))
        .scoreOnly(windows);
    Dataset<Row> perRow = SequenceWindows.rowScores(scoredWindows, getIdCol(), windowScore, getScoreCol(),
        getWindowScore());
    java.util.List<org.apache.spark.sql.Column> out = new java.util.ArrayList<>();
    for (String c : dataset.columns()) {
      out.add(org.apache.spark.sql.functions.col("`" + c + "`"));
    }
    if (!getWindowScore().equals("last")) {
      out.add(org.apache.spark.sql.functions.col("`" + getScoreCol() + "`"));
      return dataset.toDF().join(perRow, getIdCol()).select(out.toArray(new org.apache.spark.sql.Column[0]));
    }
    // last: a row that ends no window takes the score of the latest one ending before it (in its entity's
    // time order), the rows before the first window's end the first window's
    org.apache.spark.sql.expressions.WindowSpec inOrder = (getEntityCol().isEmpty()
        ? org.apache.spark.sql.expressions.Window.orderBy(getOrderCol())
        : org.apache.spark.sql.expressions.Window.partitionBy(getEntityCol()).orderBy(getOrderCol()));
    org.apache.spark.sql.Column score = org.apache.spark.sql.functions.col("`" + getScoreCol() + "`");
    out.add(org.apache.spark.sql.functions.coalesce(
        org.apache.spark.sql.functions.last(score, true).over(inOrder.rowsBetween(Long.MIN_VALUE, 0)),
        // the whole entity's frame is one aggregate per entity (a frame from the row on is one per row)
        org.apache.spark.sql.functions.first(score, true).over(inOrder.rowsBetween(Long.MIN_VALUE, Long.MAX_VALUE)))
        .as(getScoreCol()));
    return dataset.toDF().join(perRow, dataset.toDF().col(getIdCol()).equalTo(perRow.col(getIdCol())), "left")
        .drop(perRow.col(getIdCol())).select(out.toArray(new org.apache.spark.sql.Column[0]));
  }

  @Override
  public WindowedModel copy(ParamMap extra) {
    return copyValues(new WindowedModel(uid(), windowModel, getNumFeatures()), extra).setParent(parent());
  }

  /** Metadata JSON + the row detector's model under {@code window-model}. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of(), (path, spark) ->
        ModelPersistence.save(windowModel, innerPath(path)));
  }

  public static MLReader<WindowedModel> read() {
    return ModelPersistence.reader(WindowedModel.class, (metadata, path, spark) -> new WindowedModel(metadata.uid(),
        (AnomalyModel<?>) DefaultParamsReader$.MODULE$.loadParamsInstance(innerPath(path), spark.sparkContext()),
        ModelPersistence.numFeatures(metadata, path)));
  }

  public static WindowedModel load(String path) { return read().load(path); }

  /** Where the row detector (of a windowed detector) or its model (of a windowed model) saved at {@code path} is. */
  static String innerPath(String path) {
    return new Path(path, "window-detector").toString();
  }
}
