package io.vigil.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plain-Java activations against their definitions, across the range a network's values take and beyond. */
class JavaActivationTest {

  @Test
  void givenFloatsAcrossTheRange_whenTanhAndSigmoid_thenWithinFloatRoundingOfTheirDefinitions() {
    double tanhError = 0;
    double sigmoidError = 0;
    int n = 0;
    for (double d = -40; d <= 40; d += 1e-4) {
      float x = (float) d;
      float[] v = {x, x};
      JavaActivation.TANH.applyInPlace(v, 0, 1);
      JavaActivation.SIGMOID.applyInPlace(v, 1, 2);
      tanhError = Math.max(tanhError, Math.abs(v[0] - Math.tanh(x)));
      sigmoidError = Math.max(sigmoidError, Math.abs(v[1] - 1.0 / (1.0 + Math.exp(-x))));
      n++;
    }
    assertTrue(n > 700_000);
    assertTrue(tanhError < 5e-7, "tanh off by " + tanhError);
    assertTrue(sigmoidError < 3e-7, "sigmoid off by " + sigmoidError);
    float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
    float[] tanh = extremes.clone();
    float[] sigmoid = extremes.clone();
    JavaActivation.TANH.applyInPlace(tanh, 0, tanh.length);
    JavaActivation.SIGMOID.applyInPlace(sigmoid, 0, sigmoid.length);
    for (int i = 0; i < 4; i++) {
      assertEquals(Math.signum(extremes[i]), tanh[i], 1e-6, "tanh saturates at " + extremes[i]);
      assertEquals(extremes[i] > 0 ? 1.0 : 0.0, sigmoid[i], 1e-6, "sigmoid saturates at " + extremes[i]);
    }
    assertEquals(0f, tanh[4]);
    assertEquals(0.5f, sigmoid[4]);
    float[] nan = {Float.NaN};
    JavaActivation.TANH.applyInPlace(nan, 0, 1);
    assertTrue(Float.isNaN(nan[0]), "NaN stays NaN");
  }

  @Test
  void givenARange_whenApplied_thenOnlyThatRangeChanges() {
    float[] v = {3f, 3f, 3f, 3f};
    JavaActivation.SIGMOID.applyInPlace(v, 1, 3);
    assertEquals(3f, v[0]);
    assertEquals(3f, v[3]);
    assertEquals(1.0 / (1.0 + Math.exp(-3.0)), v[1], 3e-7);
    assertEquals(v[1], v[2]);
  }
}
