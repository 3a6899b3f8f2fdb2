package io.vigil.bigan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.dl4j.Nd4jArrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The plain-Java BiGAN score against the same terms computed by SameDiff ({@link BiGanNetwork}'s scoring graph). */
class BiGanScorerTest {

  static final int WIDTH = 6;

  @Test
  void givenEachActivationAndAlpha_whenScoringMoreRowsThanAChunk_thenMatchesTheSameDiffGraph() {
    int n = 530;
    Random random = new Random(3);
    double[] x = new double[n * WIDTH];
    float[] xf = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
      xf[i] = (float) x[i];
    }
    for (String activation : new String[] {"leakyrelu", "relu", "tanh", "sigmoid", "elu", "identity"}) {
      BiGanNetwork network = new BiGanNetwork(new BiGanNetwork.Spec(WIDTH, 3, 10, 0.001, 0.0, activation));
      float[] params = network.initialParams(7);
      for (double alpha : new double[] {1.0, 0.9, 0.0}) {
        Nd4jArrays.setUpTask();
        INDArray[] terms = network.scorer(params, alpha < 1).terms(Nd4jArrays.matrix(xf, n, WIDTH));
        float[] residual = terms[0].dup('c').data().asFloat();
        double[] scores = new double[n];
        float[] contributions = new float[n * WIDTH];
        new BiGanScorer(network, params, alpha < 1).score(x, n, alpha, scores, contributions);
        for (int r = 0; r < n; r++) {
          double expected = (1 - alpha) * terms[1].getDouble(r);
          for (int j = 0; j < WIDTH; j++) {
            float share = residual[r * WIDTH + j] * (float) alpha;
            assertEquals(share, contributions[r * WIDTH + j], 1e-5 * (1 + share), activation + " " + alpha);
            expected += share;
          }
          assertEquals(expected, scores[r], 1e-5 * (1 + expected), activation + " alpha " + alpha + " row " + r);
        }
      }
    }
  }
}
