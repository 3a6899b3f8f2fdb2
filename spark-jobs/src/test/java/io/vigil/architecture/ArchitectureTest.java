package io.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture, checked on the compiled classes of both modules: no package depends on itself through
 * others (every package its own slice), and the library (the estimators module) never uses the jobs, the
 * CLI, the benchmarks, the reports or the warehouse. The rule is shown to fail on a planted cycle.
 */
class ArchitectureTest {

  /** Packages of the jobs module: the library may not use them. */
  static final String[] JOB_PACKAGES = {"io.vigil.jobs..", "io.vigil.cli..", "io.vigil.warehouse..",
      "io.vigil.bench..", "io.vigil.reports..", "io.vigil.datasets.."};

  static JavaClasses main;

  @BeforeAll
  static void importClasses() {
    // Main classes only: test classes come from target/test-classes or, under mvn verify, from the library's
    // test jar (vigil-estimators-*-tests.jar), which DO_NOT_INCLUDE_TESTS does not recognise.
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.vigil");
  }

  static ArchRule noPackageCycles() {
    return slices().matching("io.vigil.(**)").should().beFreeOfCycles();
  }

  @Test
  void givenTheMainClasses_whenSliced_thenNoPackageCycle() {
    assertTrue(main.size() > 50, main.size() + " classes imported");
    noPackageCycles().check(main);
  }

  @Test
  void givenTheLibrary_whenItsDependenciesAreRead_thenItNeverUsesTheJobs() {
    noClasses().that().resideInAnyPackage("io.vigil.core..", "io.vigil.pca..", "io.vigil.ocsvm..",
            "io.vigil.iforest..", "io.vigil.knn..", "io.vigil.ecod..", "io.vigil.dl4j..", "io.vigil.autoencoder..", "io.vigil.vae..", "io.vigil.bigan..",
            "io.vigil.sequence..", "io.vigil.windowed..", "io.vigil.ensemble..", "io.vigil.eval..", "io.vigil.threshold..",
            "io.vigil.features..", "io.vigil.persist..", "io.vigil.detectors..", "io.vigil.pipeline..",
            "io.vigil.data..")
        .should().dependOnClassesThat().resideInAnyPackage(JOB_PACKAGES)
        .check(main);
  }

  @Test
  void givenTheJobsModule_whenItsLayersAreRead_thenEachUsesOnlyTheLayersBelowIt() {
    // cli -> bench -> jobs -> reports -> warehouse; datasets are read by the jobs and the benchmarks
    noClasses().that().resideInAPackage("io.vigil.warehouse..").should().dependOnClassesThat()
        .resideInAnyPackage("io.vigil.jobs..", "io.vigil.bench..", "io.vigil.reports..", "io.vigil.cli..")
        .check(main);
    noClasses().that().resideInAPackage("io.vigil.reports..").should().dependOnClassesThat()
        .resideInAnyPackage("io.vigil.jobs..", "io.vigil.bench..", "io.vigil.cli..").check(main);
    noClasses().that().resideInAPackage("io.vigil.jobs..").should().dependOnClassesThat()
        .resideInAnyPackage("io.vigil.bench..", "io.vigil.cli..").check(main);
    noClasses().that().resideInAPackage("io.vigil.bench..").should().dependOnClassesThat()
        .resideInAPackage("io.vigil.cli..").check(main);
  }

  @Test
  void givenAPlantedCycle_whenChecked_thenTheRuleFails() {
    JavaClasses planted = new ClassFileImporter().importPackages("io.vigil.archfixture.cycle");
    EvaluationResult result = noPackageCycles().evaluate(planted);
    assertTrue(result.hasViolation(), "the planted a -> b -> a cycle must be reported");
    assertFalse(noPackageCycles().evaluate(new ClassFileImporter()
        .importPackages("io.vigil.archfixture.cycle.a")).hasViolation(), "one half alone has no cycle");
  }
}
