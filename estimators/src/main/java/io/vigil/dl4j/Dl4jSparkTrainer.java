package io.vigil.dl4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alternative trainer ({@code trainer = dl4j-spark}): dl4j-spark's ParameterAveragingTrainingMaster
 * with the same schedule (batchSizePerWorker, averagingFrequency, epochs, one worker per partition).
 * It only calls {@code fit}, so it trains networks whose target is the input (autoencoders), not a
 * VAE's pretrain. Rows are grouped into DataSets of one minibatch each, inside the partitions (no
 * driver collection); the training master persists that RDD itself, so it is not cached here.
 */
public final class Dl4jSparkTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(Dl4jSparkTrainer.class);

  private Dl4jSparkTrainer() {}

  public static MultiLayerNetwork train(MultiLayerConfiguration conf, JavaRDD<float[]> rows, int batchSize,
      int averagingFrequency, int epochs, long seed, String label) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.context());
    int workers = rows.getNumPartitions();
    JavaRDD<DataSet> batches = rows.mapPartitions(it -> minibatches(it, batchSize));
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
        .batchSizePerWorker(batchSize)
        .averagingFrequency(averagingFrequency)
        .workerPrefetchNumBatches(0)
        .saveUpdater(true)
        .repartionData(Repartition.Never)
        .rddTrainingApproach(RDDTrainingApproach.Direct) // no export of the DataSets to a temp directory
        .rngSeed(seed)
        .build();
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, conf.clone(), master);
    for (int epoch = 0; epoch < epochs; epoch++) {
      long start = System.nanoTime();
      jsc.setJobGroup("vigil-train-" + label, String.format("Vigil %s: dl4j-spark parameter averaging, epoch"
          + " %d/%d", label, epoch + 1, epochs), false);
      spark.fit(batches);
      double loss = spark.getScore(); // the workers' mean loss (the returned network's own score is unset)
      NetworkTraining.requireFiniteLoss(loss, label, String.format("epoch %d (dl4j-spark trainer)", epoch + 1));
      LOG.info(String.format("%s (dl4j-spark) epoch %d/%d: loss %.6f, %.1f s", label, epoch + 1, epochs, loss,
          (System.nanoTime() - start) / 1e9));
    }
    return spark.getNetwork();
  }

  /** The partition's rows as DataSets of up to {@code batchSize} rows, features = labels (FLOAT). */
  private static Iterator<DataSet> minibatches(Iterator<float[]> it, int batchSize) {
    Nd4jArrays.setUpTask();
    List<DataSet> out = new ArrayList<>();
    List<float[]> batch = new ArrayList<>(batchSize);
    while (it.hasNext()) {
      batch.add(it.next());
      if (batch.size() == batchSize || !it.hasNext()) {
        INDArray x = Nd4jArrays.matrix(batch, batch.get(0).length);
        out.add(new DataSet(x, x));
        batch = new ArrayList<>(batchSize);
      }
    }
    return out.iterator();
  }
}
