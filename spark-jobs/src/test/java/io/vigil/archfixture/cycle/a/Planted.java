package io.vigil.archfixture.cycle.a;

/** Half of a planted package cycle (a -> b -> a) that ArchitectureTest must find. */
public class Planted {
  public io.vigil.archfixture.cycle.b.Planted other;
}
