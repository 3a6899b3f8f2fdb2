package io.vigil.sequence;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;

/**
 * Parameters of the sequence encoder–decoder: the LSTM width; the windowing of time-ordered rows
 * (entity key, order column, window length and stride, the largest gap a window may span, and how a
 * row's windows combine), plus the shared DL4J training params. Without an order column each row's
 * features are read as one sequence (the reference's mode).
 */
public interface SequenceParams extends NeuralNetParams, WindowParams {

  String NAME = "seq2seq";

  @Override
  default String detectorName() {
    return NAME;
  }

  default IntParam hiddenSize() {
    return defineParam("hiddenSize", 16, () -> new IntParam(uid(), "hiddenSize", "units of the encoder LSTM (its"
        + " last state is the code) and of the decoder LSTM, >= 1", ParamValidators.gtEq(1)));
  }

  default BooleanParam plainJavaTraining() {
    return defineParam("plainJavaTraining", true, () -> new BooleanParam(uid(), "plainJavaTraining", "each worker's"
        + " minibatches through the plain-Java LSTM (LstmTrainer: the same network, gradient and Adam as DL4J's, many"
        + " times faster on these small layers); false = DL4J's fit, the reference it is tested and benched against"));
  }

  default int getHiddenSize() { return (Integer) getOrDefault(hiddenSize()); }
  default boolean getPlainJavaTraining() { return (Boolean) getOrDefault(plainJavaTraining()); }
}
