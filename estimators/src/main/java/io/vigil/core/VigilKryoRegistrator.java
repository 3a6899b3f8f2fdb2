package io.vigil.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Kryo set-up for Vigil on Spark ({@code spark.kryo.registrator = org.nd4j.kryo.Nd4jRegistrator,
 * io.vigil.core.VigilKryoRegistrator}): Spark's Kryo 4 cannot build its field serializer for Java
 * records ("can't get field offset on a record class"), so every record (all are Serializable) goes
 * through Java serialisation; ND4J's registrator handles INDArrays.
 */
public final class VigilKryoRegistrator implements KryoRegistrator {

  /** The value for {@code spark.kryo.registrator}. */
  public static final String REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator," + VigilKryoRegistrator.class.getName();

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
  }
}
