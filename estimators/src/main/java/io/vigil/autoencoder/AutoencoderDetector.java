package io.vigil.autoencoder;

import io.vigil.core.AnomalyDetector;
import io.vigil.dl4j.NeuralNetParams;
import io.vigil.dl4j.NetworkTraining;
import io.vigil.dl4j.ParameterAveragingTrainer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Autoencoder detector: a dense encoder–decoder trained to reconstruct normal rows (DL4J, trained by
 * {@link ParameterAveragingTrainer} on Spark); a row's score is its mean squared reconstruction error
 * in the scaled feature space (higher = more anomalous).
 */
public class AutoencoderDetector extends AnomalyDetector<AutoencoderModel> implements AutoencoderParams {

  public static final String NAME = "ae";

  private final Param<String> hiddenLayers;
  private final Param<String> activation;
  private final DoubleParam learningRate;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam numWorkers;
  private final LongParam seed;
  private final Param<String> trainer;

  public AutoencoderDetector() {
    this(Identifiable$.MODULE$.randomUID(NAME));
  }

  public AutoencoderDetector(String uid) {
    super(uid);
    hiddenLayers = AutoencoderParams.hiddenLayers(this);
    activation = NeuralNetParams.activation(this);
    learningRate = NeuralNetParams.learningRate(this);
    epochs = NeuralNetParams.epochs(this);
    batchSize = NeuralNetParams.batchSize(this);
    averagingFrequency = NeuralNetParams.averagingFrequency(this);
    numWorkers = NeuralNetParams.numWorkers(this);
    seed = NeuralNetParams.seed(this);
    trainer = NeuralNetParams.trainer(this);
    AutoencoderParams.setAutoencoderDefaults(this);
  }

  @Override public Param<String> hiddenLayers() { return hiddenLayers; }
  @Override public Param<String> activation() { return activation; }
  @Override public DoubleParam learningRate() { return learningRate; }
  @Override public IntParam epochs() { return epochs; }
  @Override public IntParam batchSize() { return batchSize; }
  @Override public IntParam averagingFrequency() { return averagingFrequency; }
  @Override public IntParam numWorkers() { return numWorkers; }
  @Override public LongParam seed() { return seed; }
  @Override public Param<String> trainer() { return trainer; }

  public AutoencoderDetector setHiddenLayers(String v) { set(hiddenLayers, v); return this; }
  public AutoencoderDetector setActivation(String v) { set(activation, v); return this; }
  public AutoencoderDetector setLearningRate(double v) { set(learningRate, v); return this; }
  public AutoencoderDetector setEpochs(int v) { set(epochs, v); return this; }
  public AutoencoderDetector setBatchSize(int v) { set(batchSize, v); return this; }
  public AutoencoderDetector setAveragingFrequency(int v) { set(averagingFrequency, v); return this; }
  public AutoencoderDetector setNumWorkers(int v) { set(numWorkers, v); return this; }
  public AutoencoderDetector setSeed(long v) { set(seed, v); return this; }
  public AutoencoderDetector setTrainer(String v) { set(trainer, v); return this; }
  public AutoencoderDetector setExplainTopK(int v) { set(explainTopK(), v); return this; }

  /** The network: dense hidden layers, identity output of the input width, MSE loss, Adam, FLOAT. */
  MultiLayerConfiguration configuration(int width) {
    int[] hidden = AutoencoderParams.hiddenSizes(getHiddenLayers(), width);
    Activation act = Activation.fromString(getActivation());
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(getSeed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(getLearningRate()))
        .list();
    int in = width;
    for (int i = 0; i < hidden.length; i++) {
      b.layer(i, new DenseLayer.Builder().nIn(in).nOut(hidden[i]).activation(act).build());
      in = hidden[i];
    }
    b.layer(hidden.length, new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(in).nOut(width)
        .activation(Activation.IDENTITY).build());
    return b.build();
  }

  @Override
  protected AutoencoderModel train(Dataset<Row> features, long numRows) {
    int width = NetworkTraining.width(features);
    return new AutoencoderModel(uid(), NetworkTraining.train(this, features, configuration(width),
        ParameterAveragingTrainer.Mode.FIT_RECONSTRUCTION, uid()), width);
  }

  @Override
  public AutoencoderDetector copy(ParamMap extra) {
    return (AutoencoderDetector) defaultCopy(extra);
  }

  public static MLReader<AutoencoderDetector> read() {
    return new DefaultParamsReader<>();
  }
}
