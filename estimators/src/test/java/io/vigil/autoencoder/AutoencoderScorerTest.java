package io.vigil.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dl4j.Nd4jArrays;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The plain-Java autoencoder forward pass against DL4J's {@code output} on the same network and rows. */
class AutoencoderScorerTest {

  static final int WIDTH = 7;

  /** An untrained network (random weights exercise every layer as well as trained ones). */
  static MultiLayerNetwork network(String activation, String hidden) {
    Nd4jArrays.setUpTask();
    AutoencoderDetector detector = new AutoencoderDetector().setHiddenLayers(hidden);
    detector.set(detector.activation(), activation);
    MultiLayerNetwork net = new MultiLayerNetwork(detector.configuration(WIDTH));
    net.init();
    return net;
  }

  static double[] rows(int n, long seed) {
    Random random = new Random(seed);
    double[] x = new double[n * WIDTH];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  @Test
  void givenEachActivation_whenScoringMoreRowsThanAChunk_thenScoresAndContributionsMatchDl4j() {
    int n = 600; // more than two chunks of rows, the last one partial
    double[] x = rows(n, 11);
    float[] xf = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      xf[i] = (float) x[i];
    }
    for (String activation : new String[] {"tanh", "relu", "sigmoid", "leakyrelu", "elu", "identity"}) {
      MultiLayerNetwork net = network(activation, "5,3,5");
      INDArray in = Nd4jArrays.matrix(xf, n, WIDTH);
      float[] reconstruction = net.output(in, false).dup('c').data().asFloat();
      double[] scores = new double[n];
      float[] contributions = new float[n * WIDTH];
      new AutoencoderScorer(net).score(x, n, scores, contributions);
      for (int r = 0; r < n; r++) {
        double sum = 0;
        for (int j = 0; j < WIDTH; j++) {
          float diff = reconstruction[r * WIDTH + j] - xf[r * WIDTH + j];
          assertEquals(diff * diff, contributions[r * WIDTH + j], 1e-5 * (1 + diff * diff),
              activation + " row " + r + " feature " + j);
          sum += diff * diff;
        }
        assertEquals(sum / WIDTH, scores[r], 1e-5 * (1 + sum / WIDTH), activation + " row " + r);
      }
    }
  }

  @Test
  void givenARowAloneOrInABatch_whenScored_thenTheSameScore() {
    AutoencoderScorer scorer = new AutoencoderScorer(network("tanh", "4"));
    double[] x = rows(300, 5);
    double[] batch = new double[300];
    scorer.score(x, 300, batch, null);
    double[] alone = new double[1];
    scorer.score(java.util.Arrays.copyOfRange(x, 270 * WIDTH, 271 * WIDTH), 1, alone, null);
    assertEquals(batch[270], alone[0], 0.0);
  }

  @Test
  void givenAnActivationWithoutAPlainJavaForm_whenBuilt_thenAnErrorNamesIt() {
    MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
        .list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(WIDTH).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTSIGN).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(3).nOut(WIDTH)
            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
        .build());
    net.init();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AutoencoderScorer(net));
    assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("softsign"), e.getMessage());
  }
}
