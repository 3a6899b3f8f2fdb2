package io.vigil.sequence;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/** Parameters of the sequence encoder–decoder: the LSTM width, plus the shared DL4J training params. */
public interface SequenceParams extends NeuralNetParams {

  IntParam hiddenSize();

  default int getHiddenSize() { return (Integer) getOrDefault(hiddenSize()); }

  static IntParam hiddenSize(Identifiable p) {
    return new IntParam(p.uid(), "hiddenSize", "units of the encoder LSTM (its last state is the code) and of the"
        + " decoder LSTM, >= 1", ParamValidators.gtEq(1));
  }

  static void setSequenceDefaults(SequenceParams p) {
    p.setDefault(p.hiddenSize(), 16);
  }
}
