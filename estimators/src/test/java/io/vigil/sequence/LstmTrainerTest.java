package io.vigil.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dl4j.Nd4jArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The plain-Java LSTM training step against DL4J's on the same network and rows: score, gradient, a round of Adam. */
class LstmTrainerTest {

  static MultiLayerConfiguration configuration(String activation, int hidden, int channels, int steps) {
    Nd4jArrays.setUpTask();
    SequenceDetector detector = new SequenceDetector().setHiddenSize(hidden).setLearningRate(0.01);
    detector.set(detector.activation(), activation);
    return detector.configuration(channels, steps);
  }

  static List<float[]> rows(int n, int width, long seed) {
    Random random = new Random(seed);
    List<float[]> rows = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      float[] row = new float[width];
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
      rows.add(row);
    }
    return rows;
  }

  static INDArray sequences(List<float[]> rows, int channels) {
    int width = rows.get(0).length;
    return Nd4jArrays.matrix(rows, width).reshape('c', rows.size(), channels, width / channels);
  }

  @Test
  void givenEachActivationAndChannelCount_whenComputingTheGradient_thenScoreAndGradientAreDl4js() {
    for (String activation : new String[] {"tanh", "sigmoid", "relu", "identity"}) {
      for (int channels : new int[] {1, 3}) {
        int steps = 5;
        MultiLayerConfiguration conf = configuration(activation, 4, channels, steps);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<float[]> batch = rows(7, channels * steps, 5);
        INDArray in = sequences(batch, channels);
        net.setInput(in);
        net.setLabels(in);
        net.computeGradientAndScore();
        // DL4J's gradient is the minibatch's sum; its updater divides it by the rows before Adam. Ours is divided.
        float[] expected = net.gradient().gradient().div(7).dup('c').data().asFloat();

        LstmTrainer trainer = new LstmTrainer(conf, channels);
        LstmTrainer.Network ours = trainer.network(7, steps);
        ours.load(net.params().dup('c').data().asFloat());
        float[] gradient = new float[expected.length];
        double score = ours.gradient(batch, gradient);
        String what = activation + ", " + channels + " channels";
        assertEquals(net.score(), score, 1e-5 * net.score(), what + ": score");
        double largest = 0;
        for (float e : expected) {
          largest = Math.max(largest, Math.abs(e));
        }
        assertTrue(largest > 1e-3, what + ": a gradient to compare");
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], gradient[i], 1e-4 * largest, what + ": gradient entry " + i);
        }
      }
    }
  }

  @Test
  void givenARoundOfMinibatches_whenFitting_thenTheParametersFollowDl4jsAdam() {
    int channels = 1;
    int steps = 6;
    MultiLayerConfiguration conf = configuration("tanh", 5, channels, steps);
    LstmTrainer trainer = new LstmTrainer(conf, channels);
    float[][] start = trainer.initial();
    List<float[]> rows = rows(20, steps, 9);
    int iteration = 3; // a later round: Adam's bias correction at the global step
    float[] state = start[1].clone();
    for (int i = 0; i < state.length; i++) { // non-zero moments, as a round after the first
      state[i] = i < state.length / 2 ? 1e-3f * (i % 7 - 3) : 1e-5f * (1 + i % 5);
    }
    float[][] ours = trainer.fit(start[0], state, rows, 8, iteration, 1L);

    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.setParams(Nd4jArrays.row(start[0]));
    net.getUpdater().setStateViewArray(net, Nd4jArrays.row(state), false);
    net.getLayerWiseConfigurations().setIterationCount(iteration);
    double lossSum = 0;
    int batches = 0;
    for (int b = 0; b < rows.size(); b += 8) {
      INDArray in = sequences(rows.subList(b, Math.min(rows.size(), b + 8)), channels);
      net.fit(in, in);
      lossSum += net.score();
      batches++;
    }
    float[] expected = net.params().dup('c').data().asFloat();
    float[] expectedState = net.getUpdater().getStateViewArray().dup('c').data().asFloat();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], ours[0][i], 2e-5 + 1e-4 * Math.abs(expected[i]), "parameter " + i);
    }
    for (int i = 0; i < expectedState.length; i++) {
      assertEquals(expectedState[i], ours[1][i], 1e-6 + 1e-3 * Math.abs(expectedState[i]), "Adam state " + i);
    }
    assertEquals(lossSum / batches, ours[2][0], 1e-4 * lossSum / batches, "mean loss");
  }
}
