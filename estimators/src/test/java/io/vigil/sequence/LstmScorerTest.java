package io.vigil.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The plain-Java encoder–decoder reconstruction against DL4J's {@code output} on the same network and rows. */
class LstmScorerTest {

  private static MultiLayerNetwork network(String activation, int channels, int steps, int hidden, long seed) {
    Nd4jArrays.setUpTask();
    SequenceDetector detector = new SequenceDetector().setHiddenSize(hidden);
    detector.set(detector.activation(), activation);
    detector.set(detector.seed(), seed);
    MultiLayerNetwork net = new MultiLayerNetwork(detector.configuration(channels, steps));
    net.init();
    // Random weights of a larger scale than the initialiser's, so that the gates and cells leave their linear range.
    Random random = new Random(seed);
    INDArray params = net.params();
    for (long i = 0; i < params.length(); i++) {
      params.putScalar(i, random.nextGaussian() * 0.3);
    }
    net.setParams(params);
    return net;
  }

  private static float[] rows(int n, int width, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * 1.5);
    }
    return x;
  }

  @Test
  void givenRowModeAndWindowShapes_whenReconstructed_thenMatchesDl4jsOutput() {
    int[][] shapes = {{1, 18, 16}, {3, 5, 4}, {2, 7, 8}}; // channels, steps, hidden
    for (String activation : new String[] {"tanh", "relu", "sigmoid", "identity"}) {
      for (int[] shape : shapes) {
        int channels = shape[0];
        int steps = shape[1];
        int width = channels * steps;
        MultiLayerNetwork net = network(activation, channels, steps, shape[2], 7L + width);
        LstmScorer scorer = LstmScorer.of(net);
        assertNotNull(scorer, activation);
        int n = 9;
        float[] x = rows(n, width, 11L + width);
        INDArray matrix = Nd4jArrays.matrix(x, n, width);
        float[] dl4j = net.output(ParameterAveragingTrainer.Mode.FIT_SEQUENCE.input(matrix, channels), false)
            .reshape('c', n, width).dup('c').data().asFloat();
        float[] ours = scorer.reconstruct(x, n, width);
        // float rounding, relative: relu's unbounded cells carry it through the steps (at twice these weights
        // they amplify it past 1e-3)
        for (int i = 0; i < dl4j.length; i++) {
          assertEquals(dl4j[i], ours[i], 1e-4 * Math.max(1, Math.abs(dl4j[i])),
              activation + " channels " + channels + " steps " + steps + " value " + i);
        }
      }
    }
  }

  @Test
  void givenAnotherGateActivation_whenBuilt_thenLeftToDl4j() {
    MultiLayerConfiguration conf = new SequenceDetector().setHiddenSize(4).configuration(1, 5);
    ((LSTM) conf.getConf(2).getLayer()).setGateActivationFn(Activation.HARDSIGMOID.getActivationFunction());
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertNull(LstmScorer.of(net));
  }
}
