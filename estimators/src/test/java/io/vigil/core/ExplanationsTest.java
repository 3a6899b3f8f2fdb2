package io.vigil.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** {@link Explanations#topK}: the order the score table's top_features are written in. */
class ExplanationsTest {

  @Test
  void givenValues_whenTopK_thenLargestFirstTiesByLowerIndexNanLast() {
    float[] values = {9f, 1f, 5f, Float.NaN, 5f, 7f, -2f};
    assertArrayEquals(new int[] {0, 5, 2}, Explanations.topK(values, 0, values.length, 3));
    assertArrayEquals(new int[] {1, 3}, Explanations.topK(values, 1, 4, 2),
        "indices within the slice [1, 5): its 5 at 1 before its 5 at 3");
    assertArrayEquals(new int[] {0, 5, 2, 4, 1, 6, 3}, Explanations.topK(values, 0, values.length, 10),
        "k beyond the width: every index, NaN last");
    assertArrayEquals(new int[] {1, 0}, Explanations.topK(new float[] {Float.NaN, Float.NEGATIVE_INFINITY}, 0, 2, 2));
  }
}
