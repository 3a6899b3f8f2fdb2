package io.vigil.sequence;

import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.NetworkPersistence;
import io.vigil.dl4j.NeuralModel;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A fitted sequence encoder–decoder; score = mean squared reconstruction error of the row's sequence. */
public class SequenceModel extends NeuralModel<SequenceModel> implements SequenceParams {

  private final IntParam hiddenSize;

  SequenceModel(String uid, byte[] network, int width) {
    super(uid, network);
    hiddenSize = SequenceParams.hiddenSize(this);
    SequenceParams.setSequenceDefaults(this);
    set(numFeatures(), width);
  }

  @Override public IntParam hiddenSize() { return hiddenSize; }

  @Override
  public String detectorName() {
    return SequenceDetector.NAME;
  }

  @Override
  protected boolean explains() {
    return true;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, network, getFeaturesCol(), getScoreCol(), getNumFeatures(),
        (net, x, explain) -> BatchScoring.reconstructionErrors(x,
            net.output(ParameterAveragingTrainer.Mode.FIT_ROW_SEQUENCE.input(x), false)
                .reshape('c', x.size(0), x.size(1)), explain),
        getExplainTopK(), getFeatureNames());
  }

  @Override
  public SequenceModel copy(ParamMap extra) {
    return copyValues(new SequenceModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<SequenceModel> read() {
    return NetworkPersistence.reader(SequenceModel.class, SequenceModel::new);
  }

  public static SequenceModel load(String path) {
    return read().load(path);
  }
}
