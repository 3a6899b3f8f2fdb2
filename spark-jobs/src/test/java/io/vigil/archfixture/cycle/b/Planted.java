package io.vigil.archfixture.cycle.b;

/** The other half of the planted cycle. */
public class Planted {
  public io.vigil.archfixture.cycle.a.Planted other;
}
