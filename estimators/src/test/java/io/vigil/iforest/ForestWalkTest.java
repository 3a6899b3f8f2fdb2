package io.vigil.iforest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The forest laid out for scoring gives each row exactly the trees' own path lengths, summed in tree order. */
class ForestWalkTest {

  @Test
  void givenForestsOfEveryGroupRemainder_whenWalked_thenTheSameTotalsAsTheTrees() {
    Random random = new Random(5);
    int width = 7;
    double[][] train = new double[300][width];
    for (double[] row : train) {
      for (int j = 0; j < width; j++) {
        // a discrete column (ties at the splits) beside continuous ones
        row[j] = j == 0 ? random.nextInt(3) : random.nextGaussian() * (j + 1);
      }
    }
    int[] features = {0, 1, 2, 3, 4, 5, 6};
    for (int trees : new int[] {1, 3, 4, 9, 100}) {
      IsolationTree[] forest = new IsolationTree[trees];
      for (int t = 0; t < trees; t++) {
        // trees of every height, down to a single leaf (height limit 0)
        double[][] sample = java.util.Arrays.copyOfRange(train, t % 50, t % 50 + 20 + 10 * t % 200);
        forest[t] = IsolationTree.grow(sample, features, t % 9, random);
      }
      ForestWalk walk = ForestWalk.of(forest);
      for (int r = 0; r < 2000; r++) {
        double[] x = r < train.length ? train[r] : new double[width];
        if (r >= train.length) {
          for (int j = 0; j < width; j++) {
            x[j] = random.nextGaussian() * 3 * (j + 1);
          }
        }
        double expected = 0;
        for (IsolationTree t : forest) {
          expected += t.pathLength(x);
        }
        assertEquals(expected, walk.totalPathLength(x), 0.0, trees + " trees, row " + r);
        assertEquals(IsolationForestModel.score(forest, 256, x), IsolationForestModel.score(walk, 256, x), 0.0);
      }
    }
  }
}
