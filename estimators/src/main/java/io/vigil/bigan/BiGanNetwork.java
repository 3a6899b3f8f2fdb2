package io.vigil.bigan;

import io.vigil.dl4j.DenseChunk;
import io.vigil.dl4j.Nd4jArrays;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The BiGAN's three networks as one SameDiff graph (Donahue et al.; Zenati et al.'s anomaly score):
 * encoder E: x → z, generator G: z → x, discriminator D(x, z) → logit, each a small MLP (hidden
 * activation: the detector's, leaky ReLU by default).
 *
 * <p>Training alternates two gradient steps per minibatch: D on (x, E(x)) = real and (G(z), z) = fake,
 * then E and G together on the flipped labels. The graph is built twice (once per loss), over the same
 * parameter arrays, and Adam runs here on those arrays, so the three networks' parameters and Adam
 * state are one flat vector that the averaging trainer averages each round.
 *
 * <p>Scoring gives a row's two anomaly terms, both per row: the reconstruction residual |x - G(E(x))| and
 * the feature-matching distance |f(x, E(x)) - f(G(E(x)), E(x))|_1, f = D's last hidden layer; the model
 * mixes them with its {@code alpha}.
 */
public final class BiGanNetwork implements Serializable {

  private static final double LEAK = 0.2;
  private static final double BETA1 = 0.5; // the GAN-usual first moment (Radford et al.)
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  /** The architecture and optimiser settings: everything needed to rebuild the graph. */
  public record Spec(int width, int latent, int hidden, double learningRate, double cycleWeight, String activation) implements Serializable {}

  private final Spec spec;
  /** Variable names in parameter order, their shapes, and which player (E+G or D) owns them. */
  private final List<String> names = new ArrayList<>();
  private final List<long[]> shapes = new ArrayList<>();
  private final List<Boolean> ofDiscriminator = new ArrayList<>();
  private final int numParams;

  public BiGanNetwork(Spec spec) {
    this.spec = spec;
    int w = spec.width();
    int z = spec.latent();
    int h = spec.hidden();
    dense("e0", w, h, false);
    dense("e1", h, z, false);
    dense("g0", z, h, false);
    dense("g1", h, h, false);
    dense("g2", h, w, false);
    dense("d0", w + z, h, true);
    dense("d1", h, h, true);
    dense("d2", h, 1, true);
    int n = 0;
    for (long[] s : shapes) {
      n += (int) (s[0] * s[1]);
    }
    numParams = n;
  }

  private void dense(String name, int in, int out, boolean discriminator) {
    names.add(name + "_w");
    shapes.add(new long[] {in, out});
    ofDiscriminator.add(discriminator);
    names.add(name + "_b");
    shapes.add(new long[] {1, out});
    ofDiscriminator.add(discriminator);
  }

  public Spec spec() {
    return spec;
  }

  public int numParams() {
    return numParams;
  }

  /** Xavier-uniform weights and zero biases from {@code seed}, as one flat vector. */
  public float[] initialParams(long seed) {
    Random random = new Random(seed);
    float[] params = new float[numParams];
    int offset = 0;
    for (int v = 0; v < names.size(); v++) {
      long[] s = shapes.get(v);
      int size = (int) (s[0] * s[1]);
      if (names.get(v).endsWith("_w")) {
        double limit = Math.sqrt(6.0 / (s[0] + s[1]));
        for (int i = 0; i < size; i++) {
          params[offset + i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
      }
      offset += size;
    }
    return params;
  }

  // ---------------------------------------------------------------- the graph

  private SameDiff graph(List<INDArray> arrays, boolean discriminatorLoss) {
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> v = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      v.put(names.get(i), sd.var(names.get(i), arrays.get(i)));
    }
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, spec.width());
    SDVariable noise = sd.placeHolder("z", DataType.FLOAT, -1, spec.latent());
    SDVariable encoded = encoder(sd, v, x);
    SDVariable realLogit = discriminator(sd, v, x, encoded)[1];
    SDVariable fakeLogit = discriminator(sd, v, generator(sd, v, noise), noise)[1];
    // Cross-entropy on logits: -log sigmoid(l) = softplus(-l), -log(1 - sigmoid(l)) = softplus(l).
    SDVariable loss;
    if (discriminatorLoss) { // real pairs -> 1, fake pairs -> 0
      loss = softplus(sd, realLogit.neg()).mean().add("loss", softplus(sd, fakeLogit).mean());
    } else { // flipped: the encoder and generator try to make D swap them
      SDVariable adversarial = softplus(sd, realLogit).mean().add(softplus(sd, fakeLogit.neg()).mean());
      if (spec.cycleWeight() > 0) { // ALICE's cycle consistency: E and G also invert each other on real rows
        SDVariable cycle = sd.math().abs(x.sub(generator(sd, v, encoded))).sum(1).mean();
        loss = adversarial.add("loss", cycle.mul(spec.cycleWeight()));
      } else {
        loss = adversarial.add("loss", 0.0);
      }
    }
    sd.setLossVariables(loss);
    return sd;
  }

  /**
   * log(1 + e^l), with the logit clipped to +-30 first: ND4J's softplus computes e^l and returns infinity
   * once a confident discriminator's logit passes ~88 (the clip costs at most e^-30 of the loss). The usual
   * stable form, relu(l) + log1p(exp(-|l|)), got zero gradients through SameDiff in M2.
   */
  private static SDVariable softplus(SameDiff sd, SDVariable l) {
    return sd.nn().softplus(sd.math().clipByValue(l, -30, 30));
  }

  /**
   * The scoring graph: x → the score's two terms, "residual" [rows, width] and (with {@code matching})
   * "matching" [rows]. Without it the discriminator is left out: its two passes cost more than the encoder
   * and generator together, for a term that alpha = 1 weights 0.
   */
  private SameDiff scoringGraph(List<INDArray> arrays, boolean matching) {
    SameDiff sd = SameDiff.create();
    Map<String, SDVariable> v = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      v.put(names.get(i), sd.var(names.get(i), arrays.get(i)));
    }
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, spec.width());
    SDVariable encoded = encoder(sd, v, x);
    SDVariable reconstructed = generator(sd, v, encoded);
    sd.math().abs("residual", x.sub(reconstructed));
    if (matching) {
      SDVariable features = discriminator(sd, v, x, encoded)[0];
      SDVariable reconstructedFeatures = discriminator(sd, v, reconstructed, encoded)[0];
      sd.math().abs(features.sub(reconstructedFeatures)).sum("matching", 1);
    }
    return sd;
  }

  private static SDVariable dense(SameDiff sd, Map<String, SDVariable> v, String layer, SDVariable in) {
    return in.mmul(v.get(layer + "_w")).add(v.get(layer + "_b"));
  }

  private SDVariable act(SameDiff sd, SDVariable in) {
    return switch (spec.activation()) {
      case "leakyrelu" -> sd.nn().leakyRelu(in, LEAK);
      case "relu" -> sd.nn().relu(in, 0);
      case "tanh" -> sd.math().tanh(in);
      case "sigmoid" -> sd.nn().sigmoid(in);
      case "elu" -> sd.nn().elu(in);
      case "identity" -> in;
      default -> throw new IllegalArgumentException("Unknown activation '" + spec.activation() + "'.");
    };
  }

  private SDVariable encoder(SameDiff sd, Map<String, SDVariable> v, SDVariable x) {
    return dense(sd, v, "e1", act(sd, dense(sd, v, "e0", x)));
  }

  private SDVariable generator(SameDiff sd, Map<String, SDVariable> v, SDVariable z) {
    SDVariable h = act(sd, dense(sd, v, "g0", z));
    h = act(sd, dense(sd, v, "g1", h));
    return dense(sd, v, "g2", h);
  }

  /** {features (D's last hidden layer), logit}. */
  private SDVariable[] discriminator(SameDiff sd, Map<String, SDVariable> v, SDVariable x, SDVariable z) {
    SDVariable h = act(sd, dense(sd, v, "d0", sd.concat(1, x, z)));
    SDVariable features = act(sd, dense(sd, v, "d1", h));
    return new SDVariable[] {features, dense(sd, v, "d2", features)};
  }

  // ---------------------------------------------------------------- training

  /**
   * A worker's local copy: the parameters as per-variable arrays shared by both losses' graphs (Adam
   * updates them in place, so both graphs see every step), and Adam's moments.
   */
  public final class Trainer {
    private final List<INDArray> params = new ArrayList<>();
    private final List<INDArray> firstMoments = new ArrayList<>();
    private final List<INDArray> secondMoments = new ArrayList<>();
    private final SameDiff discriminatorGraph;
    private final SameDiff generatorGraph;
    private final List<String> discriminatorVars = new ArrayList<>();
    private final List<String> generatorVars = new ArrayList<>();
    private Random noise;
    private int iteration;

    /** From a flat parameter vector and Adam state ({first moments, second moments}, or empty). */
    public Trainer(float[] flatParams, float[] adamState, int iteration, long noiseSeed) {
      Nd4jArrays.setUpTask();
      int offset = 0;
      for (int v = 0; v < names.size(); v++) {
        long[] s = shapes.get(v);
        int size = (int) (s[0] * s[1]);
        params.add(slice(flatParams, offset, s));
        firstMoments.add(adamState.length == 0 ? Nd4j.zeros(DataType.FLOAT, s) : slice(adamState, offset, s));
        secondMoments.add(adamState.length == 0 ? Nd4j.zeros(DataType.FLOAT, s)
            : slice(adamState, numParams + offset, s));
        (ofDiscriminator.get(v) ? discriminatorVars : generatorVars).add(names.get(v));
        offset += size;
      }
      discriminatorGraph = graph(params, true);
      generatorGraph = graph(params, false);
      this.noise = new Random(noiseSeed);
      this.iteration = iteration;
    }

    /** The network this copy trains. */
    public BiGanNetwork network() {
      return BiGanNetwork.this;
    }

    /**
     * This copy restarted from another round's parameters and Adam state, as a new Trainer would be, but
     * keeping its two graphs: their variables are these arrays, overwritten in place (building the graphs
     * costs more than a round of small minibatches).
     */
    public Trainer restart(float[] flatParams, float[] adamState, int iteration, long noiseSeed) {
      int offset = 0;
      for (int v = 0; v < names.size(); v++) {
        long[] s = shapes.get(v);
        params.get(v).assign(slice(flatParams, offset, s));
        if (adamState.length == 0) {
          firstMoments.get(v).assign(0);
          secondMoments.get(v).assign(0);
        } else {
          firstMoments.get(v).assign(slice(adamState, offset, s));
          secondMoments.get(v).assign(slice(adamState, numParams + offset, s));
        }
        offset += (int) (s[0] * s[1]);
      }
      this.noise = new Random(noiseSeed);
      this.iteration = iteration;
      return this;
    }

    /** One minibatch: a discriminator step, then an encoder+generator step. Returns {D loss, E/G loss}. */
    public double[] step(INDArray x) {
      int rows = (int) x.size(0);
      INDArray z = latentNoise(rows);
      Map<String, INDArray> feed = Map.of("x", x, "z", z);
      iteration++;
      double dLoss = update(discriminatorGraph, feed, discriminatorVars);
      double gLoss = update(generatorGraph, feed, generatorVars);
      return new double[] {dLoss, gLoss};
    }

    private INDArray latentNoise(int rows) {
      float[] values = new float[rows * spec.latent()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) noise.nextGaussian();
      }
      return Nd4jArrays.matrix(values, rows, spec.latent());
    }

    private double update(SameDiff sd, Map<String, INDArray> feed, List<String> vars) {
      var result = sd.calculateGradientsAndOutputs(feed, List.of("loss"), vars);
      double loss = result.getOutputs().get("loss").getDouble(0);
      double correction = spec.learningRate() * Math.sqrt(1 - Math.pow(BETA2, iteration))
          / (1 - Math.pow(BETA1, iteration));
      for (String name : vars) {
        int v = names.indexOf(name);
        INDArray g = result.getGradients().get(name);
        INDArray m = firstMoments.get(v).muli(BETA1).addi(g.mul(1 - BETA1));
        INDArray s = secondMoments.get(v).muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
        params.get(v).subi(m.mul(correction).divi(Transforms.sqrt(s, true).addi(EPSILON)));
      }
      return loss;
    }

    public float[] params() {
      return flatten(params);
    }

    /** Adam's state: first moments then second moments. */
    public float[] adamState() {
      float[] first = flatten(firstMoments);
      float[] second = flatten(secondMoments);
      float[] out = new float[2 * numParams];
      System.arraycopy(first, 0, out, 0, numParams);
      System.arraycopy(second, 0, out, numParams, numParams);
      return out;
    }
  }

  private static INDArray slice(float[] flat, int offset, long[] shape) {
    float[] part = new float[(int) (shape[0] * shape[1])];
    System.arraycopy(flat, offset, part, 0, part.length);
    return Nd4j.create(part, shape, 'c').castTo(DataType.FLOAT);
  }

  private float[] flatten(List<INDArray> arrays) {
    float[] out = new float[numParams];
    int offset = 0;
    for (INDArray a : arrays) {
      float[] values = a.dup('c').data().asFloat();
      System.arraycopy(values, 0, out, offset, values.length);
      offset += values.length;
    }
    return out;
  }

  // ---------------------------------------------------------------- scoring

  /**
   * Layer {@code name}'s ("e0" ... "d2") weights and bias out of the flat parameters, for the plain-Java scorer
   * ({@link BiGanScorer}).
   */
  DenseChunk layer(float[] flatParams, String name) {
    int offset = 0;
    for (int v = 0; v < names.size(); v++) {
      long[] s = shapes.get(v);
      if (names.get(v).equals(name + "_w")) { // its bias follows it
        return DenseChunk.of(flatParams, offset, (int) s[0], (int) s[1]);
      }
      offset += (int) (s[0] * s[1]);
    }
    throw new IllegalArgumentException("The BiGAN has no layer '" + name + "'.");
  }

  /**
   * The score's terms as SameDiff computes them over fixed parameters: what {@link BiGanScorer}, which scores, is
   * tested against.
   */
  public final class Scorer {
    private final SameDiff sd;
    private final boolean matching;

    Scorer(float[] flatParams, boolean matching) {
      this.matching = matching;
      List<INDArray> arrays = new ArrayList<>();
      int offset = 0;
      for (long[] s : shapes) {
        arrays.add(slice(flatParams, offset, s));
        offset += (int) (s[0] * s[1]);
      }
      sd = scoringGraph(arrays, matching);
    }

    /**
     * The score's two terms: {per-feature |x - G(E(x))| [rows, width], per-row feature-matching distance
     * |f(x, E(x)) - f(G(E(x)), E(x))|_1 [rows], or zeros from a scorer built without it}.
     */
    public INDArray[] terms(INDArray x) {
      if (!matching) {
        return new INDArray[] {sd.output(Map.of("x", x), "residual").get("residual"),
            Nd4j.zeros(DataType.FLOAT, x.size(0))};
      }
      Map<String, INDArray> out = sd.output(Map.of("x", x), "residual", "matching");
      return new INDArray[] {out.get("residual"), out.get("matching")};
    }
  }

  /** A scorer with the feature-matching term only when {@code matching} (else it gives zeros for it). */
  public Scorer scorer(float[] flatParams, boolean matching) {
    return new Scorer(flatParams, matching);
  }

  // ---------------------------------------------------------------- persistence

  /** The model as a zip: {@code spec} (the architecture) and {@code params} (FLOAT, big-endian). */
  public static byte[] toBytes(Spec spec, float[] params) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        zip.putNextEntry(new ZipEntry("spec"));
        DataOutputStream out = new DataOutputStream(zip);
        out.writeInt(spec.width());
        out.writeInt(spec.latent());
        out.writeInt(spec.hidden());
        out.writeDouble(spec.learningRate());
        out.writeDouble(spec.cycleWeight());
        out.writeUTF(spec.activation());
        out.flush();
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry("params"));
        out.writeInt(params.length);
        for (float p : params) {
          out.writeFloat(p);
        }
        out.flush();
        zip.closeEntry();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialise the BiGAN", e);
    }
  }

  /** Reads {@link #toBytes}: the network and its parameters. */
  public static Map.Entry<BiGanNetwork, float[]> fromBytes(byte[] bytes) {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      Spec spec = null;
      float[] params = null;
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        DataInputStream in = new DataInputStream(zip);
        if (e.getName().equals("spec")) {
          spec = new Spec(in.readInt(), in.readInt(), in.readInt(), in.readDouble(), in.readDouble(), in.readUTF());
        } else if (e.getName().equals("params")) {
          params = new float[in.readInt()];
          for (int i = 0; i < params.length; i++) {
            params[i] = in.readFloat();
          }
        }
      }
      if (spec == null || params == null) {
        throw new IOException("the BiGAN zip lacks its spec or params entry");
      }
      BiGanNetwork net = new BiGanNetwork(spec);
      if (params.length != net.numParams()) {
        throw new IOException(String.format("the BiGAN zip has %d params, its spec needs %d", params.length,
            net.numParams()));
      }
      return Map.entry(net, params);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the BiGAN: " + e.getMessage(), e);
    }
  }
}
