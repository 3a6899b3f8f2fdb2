package io.vigil.ocsvm;

import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ensemble's score of a batch of rows by matrix products: for each member, the squared distances of every
 * row to every support vector as ‖x‖² + ‖sv‖² - 2·X·SVᵀ (one GEMM), the kernel as one vectorised exp, and
 * the decision values as one matrix-vector product with the weights. FLOAT throughout; one instance per
 * executor thread (restored from the broadcast bytes).
 */
final class SvmBatchScorer {

  private final INDArray[] transposedVectors;
  private final INDArray[] squaredNorms;
  private final INDArray[] weights;
  private final double[] intercepts;
  private final double gamma;

  private SvmBatchScorer(SvmMember[] members, double gamma) {
    this.gamma = gamma;
    int n = members.length;
    transposedVectors = new INDArray[n];
    squaredNorms = new INDArray[n];
    weights = new INDArray[n];
    intercepts = new double[n];
    for (int m = 0; m < n; m++) {
      SvmMember member = members[m];
      int count = member.vectors.length;
      int width = count == 0 ? 0 : member.vectors[0].length;
      float[] flat = new float[count * width];
      float[] norms = new float[count];
      float[] w = new float[count];
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < width; j++) {
          flat[i * width + j] = (float) member.vectors[i][j];
        }
        norms[i] = (float) member.squaredNorms[i];
        w[i] = (float) member.weights[i];
      }
      transposedVectors[m] = Nd4jArrays.matrix(flat, count, width).transpose().dup('c');
      squaredNorms[m] = Nd4jArrays.row(norms);
      weights[m] = Nd4jArrays.row(w).reshape(count, 1);
      intercepts[m] = member.intercept;
    }
  }

  /** The members and the kernel width as bytes to broadcast. */
  static byte[] toBytes(SvmMember[] members, double gamma) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeDouble(gamma);
      out.writeObject(members);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialise the SVM members", e);
    }
  }

  static SvmBatchScorer fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      double gamma = in.readDouble();
      return new SvmBatchScorer((SvmMember[]) in.readObject(), gamma);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SVM members", e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Score = -(mean over members of f_m(x)), as {@link OneClassSvmModel#score}; higher = more anomalous. */
  BatchScoring.Scores score(INDArray x) {
    long rows = x.rows();
    INDArray rowNorms = x.mul(x).sum(1).reshape(rows, 1);
    INDArray sum = null;
    for (int m = 0; m < weights.length; m++) {
      INDArray d2 = x.mmul(transposedVectors[m]).muli(-2.0).addiColumnVector(rowNorms).addiRowVector(squaredNorms[m]);
      INDArray kernel = Transforms.exp(Transforms.max(d2, 0.0, false).muli(-gamma), false);
      INDArray decision = kernel.mmul(weights[m]).addi(intercepts[m]);
      sum = sum == null ? decision : sum.addi(decision);
    }
    double[] scores = sum.reshape(rows).toDoubleVector();
    for (int i = 0; i < scores.length; i++) {
      scores[i] = -scores[i] / weights.length;
    }
    return new BatchScoring.Scores(scores, null);
  }
}
