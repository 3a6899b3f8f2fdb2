package io.vigil.sequence;

import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.NeuralDetector;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Sequence encoder–decoder detector (LSTM), in the reference's row-as-sequence mode: each row's
 * features are read as a sequence, one value per time step; an encoder LSTM's last state is repeated
 * over the steps and a decoder LSTM reconstructs the sequence. Score = mean squared reconstruction
 * error per row (as the autoencoder's, with the same per-feature explanations). Trained by
 * {@link ParameterAveragingTrainer} on Spark.
 *
 * <p>Not yet built: windows over time-ordered rows grouped by an entity key (windowLength, stride,
 * maxGap) — the row-as-sequence mode is the reference's, for a like-for-like KDD figure.
 */
public class SequenceDetector extends NeuralDetector<SequenceModel, SequenceDetector> implements SequenceParams {

  public static final String NAME = "seq2seq";

  private final IntParam hiddenSize;

  public SequenceDetector() {
    this(Identifiable$.MODULE$.randomUID(NAME));
  }

  public SequenceDetector(String uid) {
    super(uid);
    hiddenSize = SequenceParams.hiddenSize(this);
    SequenceParams.setSequenceDefaults(this);
  }

  @Override public IntParam hiddenSize() { return hiddenSize; }

  public SequenceDetector setHiddenSize(int v) { set(hiddenSize, v); return this; }

  /** LSTM encoder (last step) → repeated over the width's steps → LSTM decoder → one value per step (MSE). */
  MultiLayerConfiguration configuration(int width) {
    Activation act = Activation.fromString(getActivation());
    return layers()
        .layer(new LastTimeStep(new LSTM.Builder().nOut(getHiddenSize()).activation(act).build()))
        .layer(new RepeatVector.Builder(width).build())
        .layer(new LSTM.Builder().nOut(getHiddenSize()).activation(act).build())
        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
            .activation(Activation.IDENTITY).build())
        .setInputType(InputType.recurrent(1, width))
        .build();
  }

  @Override
  protected SequenceModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    return new SequenceModel(uid(), NetworkTraining.train(this, features, configuration(width),
        ParameterAveragingTrainer.Mode.FIT_ROW_SEQUENCE, uid()), width);
  }

  @Override
  public SequenceDetector copy(ParamMap extra) {
    return (SequenceDetector) defaultCopy(extra);
  }

  public static MLReader<SequenceDetector> read() {
    return new DefaultParamsReader<>();
  }
}
