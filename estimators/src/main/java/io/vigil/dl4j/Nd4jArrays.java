package io.vigil.dl4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FLOAT-only ND4J helpers. ND4J 1.0.0-M2 silently computes wrong numbers when FLOAT and DOUBLE arrays
 * meet in one operation (e.g. squaredDistance 24.69 instead of 6.175), so every array Vigil builds goes
 * through here and is FLOAT; networks are configured with {@code dataType(FLOAT)} too.
 */
public final class Nd4jArrays {

  private Nd4jArrays() {}

  /**
   * Per-task ND4J set-up: FLOAT defaults and one native thread, since Spark already runs one task per
   * core (more OpenMP threads per task only oversubscribe the cores).
   */
  public static void setUpTask() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
  }

  /** A FLOAT matrix with one row per element of {@code rows}. */
  public static INDArray matrix(List<float[]> rows, int width) {
    float[] flat = new float[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, flat, i * width, width);
    }
    return Nd4j.create(flat, new long[] {rows.size(), width}, 'c').castTo(DataType.FLOAT);
  }

  /** A FLOAT matrix of {@code rows} x {@code width} from row-major values. */
  public static INDArray matrix(float[] rowMajor, int rows, int width) {
    return Nd4j.create(rowMajor, new long[] {rows, width}, 'c').castTo(DataType.FLOAT);
  }

  /** A FLOAT row vector. */
  public static INDArray row(float[] values) {
    return Nd4j.create(values, new long[] {1, values.length}, 'c').castTo(DataType.FLOAT);
  }

  public static float[] toFloats(double[] values) {
    return toFloats(values, values.length);
  }

  /** The first {@code n} values as FLOAT. */
  public static float[] toFloats(double[] values, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /** The network as DL4J's zip format (configuration + parameters, without updater state). */
  public static byte[] toBytes(MultiLayerNetwork net) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, out, false);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialise the network", e);
    }
  }

  public static MultiLayerNetwork fromBytes(byte[] bytes) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the network", e);
    }
  }
}
