package io.vigil.sequence;

import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Sequence encoder–decoder detector (LSTM): an encoder LSTM's last state is repeated over the steps
 * and a decoder LSTM reconstructs the sequence; a sequence's score is its mean squared reconstruction
 * error. Trained by {@link ParameterAveragingTrainer} on Spark. Two modes:
 * <ul>
 *   <li>time windows ({@code orderCol} set): rows are grouped per {@code entityCol}, ordered, and cut
 *       into windows of {@code windowLength} rows every {@code windowStride} rows, never across a gap
 *       larger than {@code maxGap} ({@link SequenceWindows}, on Spark); each row's score is the max (or
 *       mean) of the scores of the windows that contain it;</li>
 *   <li>row as sequence (no {@code orderCol}; the reference's mode): each row's features are one
 *       sequence, one value per step, with per-feature explanations like the autoencoder's.</li>
 * </ul>
 */
public class SequenceDetector extends NeuralDetector<SequenceModel, SequenceDetector> implements SequenceParams {

  public static final String NAME = "seq2seq";

  private final IntParam hiddenSize;
  private final Param<String> entityCol;
  private final Param<String> orderCol;
  private final IntParam windowLength;
  private final IntParam windowStride;
  private final DoubleParam maxGap;
  private final Param<String> windowScore;

  public SequenceDetector() {
    this(Identifiable$.MODULE$.randomUID(NAME));
  }

  public SequenceDetector(String uid) {
    super(uid);
    hiddenSize = SequenceParams.hiddenSize(this);
    entityCol = SequenceParams.entityCol(this);
    orderCol = SequenceParams.orderCol(this);
    windowLength = SequenceParams.windowLength(this);
    windowStride = SequenceParams.windowStride(this);
    maxGap = SequenceParams.maxGap(this);
    windowScore = SequenceParams.windowScore(this);
    SequenceParams.setSequenceDefaults(this);
  }

  @Override public IntParam hiddenSize() { return hiddenSize; }
  @Override public Param<String> entityCol() { return entityCol; }
  @Override public Param<String> orderCol() { return orderCol; }
  @Override public IntParam windowLength() { return windowLength; }
  @Override public IntParam windowStride() { return windowStride; }
  @Override public DoubleParam maxGap() { return maxGap; }
  @Override public Param<String> windowScore() { return windowScore; }

  public SequenceDetector setHiddenSize(int v) { set(hiddenSize, v); return this; }
  public SequenceDetector setEntityCol(String v) { set(entityCol, v); return this; }
  public SequenceDetector setOrderCol(String v) { set(orderCol, v); return this; }
  public SequenceDetector setWindowLength(int v) { set(windowLength, v); return this; }
  public SequenceDetector setWindowStride(int v) { set(windowStride, v); return this; }
  public SequenceDetector setMaxGap(double v) { set(maxGap, v); return this; }
  public SequenceDetector setWindowScore(String v) { set(windowScore, v); return this; }

  /**
   * LSTM encoder (last step) → repeated over the steps → LSTM decoder → {@code channels} values per step
   * (MSE).
   */
  MultiLayerConfiguration configuration(int channels, int steps) {
    Activation act = Activation.fromString(getActivation());
    return layers()
        .layer(new LastTimeStep(new LSTM.Builder().nOut(getHiddenSize()).activation(act).build()))
        .layer(new RepeatVector.Builder(steps).build())
        .layer(new LSTM.Builder().nOut(getHiddenSize()).activation(act).build())
        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(channels)
            .activation(Activation.IDENTITY).build())
        .setInputType(InputType.recurrent(channels, steps))
        .build();
  }

  @Override
  protected List<String> trainingColumns() {
    List<String> cols = new ArrayList<>(super.trainingColumns());
    if (windowed()) {
      if (!getEntityCol().isEmpty()) {
        cols.add(getEntityCol());
      }
      cols.add(getOrderCol());
    }
    return cols;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (windowed()) {
      SequenceWindows.validate(schema, windowSpec());
    }
    return super.transformSchema(schema);
  }

  @Override
  protected SequenceModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    if (!windowed()) {
      return new SequenceModel(uid(), NetworkTraining.train(this, features, configuration(1, width),
          ParameterAveragingTrainer.Mode.FIT_SEQUENCE, 1, uid()), width);
    }
    Dataset<Row> windows = SequenceModel.windows(features, getFeaturesCol(), windowSpec());
    return new SequenceModel(uid(), NetworkTraining.train(this, windows, configuration(width, getWindowLength()),
        ParameterAveragingTrainer.Mode.FIT_SEQUENCE, width, uid()), width);
  }

  @Override
  public SequenceDetector copy(ParamMap extra) {
    return (SequenceDetector) defaultCopy(extra);
  }

  public static MLReader<SequenceDetector> read() {
    return new DefaultParamsReader<>();
  }
}
