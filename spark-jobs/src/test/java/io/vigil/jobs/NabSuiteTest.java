package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bench.NabSuite;
import io.vigil.datasets.NabData;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabSuiteTest {

  @Test
  void givenNoSeriesListed_whenChoosing_thenAllThree() {
    assertEquals(NabData.SERIES, NabSuite.series(null));
    assertEquals(NabData.SERIES, NabSuite.series(" "));
  }

  @Test
  void givenAList_whenChoosing_thenThoseInItsOrder() {
    assertEquals(List.of("nyc_taxi", "ambient_temperature_system_failure"),
        NabSuite.series("nyc_taxi, ambient_temperature_system_failure"));
  }

  @Test
  void givenAnUnknownSeries_whenChoosing_thenErrorNamesItAndTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NabSuite.series("nyc_taxi,nyc_taxis"));
    assertTrue(e.getMessage().contains("'nyc_taxis'") && e.getMessage().contains("machine_temperature_system_failure"),
        e.getMessage());
  }
}
