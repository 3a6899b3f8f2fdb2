package io.vigil.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vigil.dl4j.Nd4jArrays;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The plain-Java VAE score against DL4J's own layer: each piece (q(z|x), the decoder, the Gaussian
 * log-probability) on the same inputs, and the whole score against DL4J's Monte Carlo estimate.
 */
class VaeScorerTest {

  static final int WIDTH = 6;

  /** An untrained network (random weights exercise every layer as well as trained ones). */
  static MultiLayerNetwork network(String activation) {
    Nd4jArrays.setUpTask();
    VaeDetector detector = new VaeDetector().setEncoderLayers("5,4").setLatentSize(3);
    detector.set(detector.activation(), activation);
    MultiLayerNetwork net = new MultiLayerNetwork(detector.configuration(WIDTH));
    net.init();
    return net;
  }

  static float[] rows(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n * WIDTH];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  @Test
  void givenEachActivation_whenEncodingAndDecodingAtTheMean_thenMatchesDl4j() {
    for (String activation : new String[] {"tanh", "relu", "sigmoid", "leakyrelu", "elu", "identity"}) {
      MultiLayerNetwork net = network(activation);
      VariationalAutoencoder vae = (VariationalAutoencoder) net.getLayer(0);
      VaeScorer scorer = new VaeScorer(net, 1, 1L);
      float[] x = rows(5, 3);
      INDArray dl4jMean = net.output(Nd4jArrays.matrix(x, 5, WIDTH));
      INDArray dl4jReconstruction = vae.generateAtMeanGivenZ(dl4jMean);
      for (int r = 0; r < 5; r++) {
        float[] row = java.util.Arrays.copyOfRange(x, r * WIDTH, (r + 1) * WIDTH);
        float[] mean = new float[3];
        float[] sigma = new float[3];
        scorer.encode(row, mean, sigma);
        assertArrayEquals(dl4jMean.getRow(r).toFloatVector(), mean, 1e-5f, activation + " q(z|x) mean, row " + r);
        float[] preOut = scorer.decode(mean);
        assertArrayEquals(dl4jReconstruction.getRow(r).toFloatVector(), java.util.Arrays.copyOf(preOut, WIDTH),
            1e-5f, activation + " reconstruction mean, row " + r);
      }
    }
  }

  @Test
  void givenDecoderOutput_whenNegLogProbability_thenMatchesDl4jsGaussian() {
    VaeScorer scorer = new VaeScorer(network("tanh"), 1, 1L);
    float[] x = rows(4, 5);
    float[] preOut = rows(4 * 2, 6); // per row: WIDTH means then WIDTH log-variances
    INDArray dl4j = new GaussianReconstructionDistribution(Activation.IDENTITY).exampleNegLogProbability(
        Nd4jArrays.matrix(x, 4, WIDTH), Nd4jArrays.matrix(preOut, 4, 2 * WIDTH));
    for (int r = 0; r < 4; r++) {
      double ours = scorer.negLogProbability(java.util.Arrays.copyOfRange(x, r * WIDTH, (r + 1) * WIDTH),
          java.util.Arrays.copyOfRange(preOut, r * 2 * WIDTH, (r + 1) * 2 * WIDTH));
      assertEquals(dl4j.getDouble(r), ours, 1e-4 * Math.abs(ours), "row " + r);
    }
  }

  @Test
  void givenManySamples_whenScored_thenAgreesWithDl4jsMonteCarloEstimate() {
    MultiLayerNetwork net = network("tanh");
    float[] x = rows(8, 11);
    double[] ours = new VaeScorer(net, 5000, 42L).scores(x, 8);
    Nd4j.getRandom().setSeed(7);
    INDArray dl4j = ((VariationalAutoencoder) net.getLayer(0))
        .reconstructionLogProbability(Nd4jArrays.matrix(x, 8, WIDTH), 5000).castTo(DataType.DOUBLE);
    for (int r = 0; r < 8; r++) {
      assertEquals(-dl4j.getDouble(r), ours[r], 0.015 * Math.abs(ours[r]), "row " + r);
    }
  }

  @Test
  void givenARow_whenScoredAloneOrInABatch_thenSameScore() {
    VaeScorer scorer = new VaeScorer(network("tanh"), 4, 42L);
    float[] x = rows(50, 13);
    double[] batch = scorer.scores(x, 50);
    double[] alone = scorer.scores(java.util.Arrays.copyOfRange(x, 17 * WIDTH, 18 * WIDTH), 1);
    assertEquals(batch[17], alone[0], 0.0);
    assertNotEquals(batch[17], new VaeScorer(network("tanh"), 4, 43L).scores(
        java.util.Arrays.copyOfRange(x, 17 * WIDTH, 18 * WIDTH), 1)[0], "another seed, other draws");
  }
}
