package io.vigil.sequence;

import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
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

  public SequenceDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public SequenceDetector(String uid) { super(uid); }

  public SequenceDetector setHiddenSize(int v) { return setParam(hiddenSize(), v); }
  public SequenceDetector setEntityCol(String v) { return setParam(entityCol(), v); }
  public SequenceDetector setOrderCol(String v) { return setParam(orderCol(), v); }
  public SequenceDetector setWindowLength(int v) { return setParam(windowLength(), v); }
  public SequenceDetector setWindowStride(int v) { return setParam(windowStride(), v); }
  public SequenceDetector setMaxGap(double v) { return setParam(maxGap(), v); }
  public SequenceDetector setWindowScore(String v) { return setParam(windowScore(), v); }

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
      cols.addAll(windowColumns());
    }
    return cols;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return super.transformSchema(requireWindowColumns(schema));
  }

  @Override
  protected SequenceModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    if (!windowed()) {
      return new SequenceModel(uid(), trainNetwork(features, configuration(1, width), 1), width);
    }
    Dataset<Row> windows = SequenceModel.windows(features, getFeaturesCol(), windowSpec());
    return new SequenceModel(uid(), trainNetwork(windows, configuration(width, getWindowLength()), width), width);
  }

  /** DL4J's zip of the network trained on {@code sequences} (one per row, {@code channels} channel-major). */
  private byte[] trainNetwork(Dataset<Row> sequences, MultiLayerConfiguration conf, int channels) {
    if (getPlainJavaTraining() && !getTrainer().equals(DL4J_SPARK_TRAINER) && LstmTrainer.supports(conf)) {
      float[] params = NetworkTraining.averagingTrainer(this).train(new LstmTrainer(conf, channels),
          NetworkTraining.workerRows(this, sequences), uid());
      return Nd4jArrays.toBytes(NetworkTraining.network(conf, params));
    }
    return NetworkTraining.train(this, sequences, conf, ParameterAveragingTrainer.Mode.FIT_SEQUENCE, channels, uid());
  }

  public SequenceDetector setPlainJavaTraining(boolean v) { return setParam(plainJavaTraining(), v); }

  public static MLReader<SequenceDetector> read() { return new DefaultParamsReader<>(); }

  public static SequenceDetector load(String path) { return read().load(path); }
}
