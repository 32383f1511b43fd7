package dev.trainer4j.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The module rules on trainer4j's main classes, read from the module jars on this module's test class path. */
class ProductionClassesFollowModuleRulesTest {
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(Modules.PRODUCTION.basePackage());

    @Test
    void everyModuleHasClassesOnTheClassPath() {
        assertThat(Modules.PRODUCTION.all()).allSatisfy(module -> assertThat(MAIN_CLASSES.stream()
                .filter(javaClass -> Modules.PRODUCTION.moduleOf(javaClass).equals(Optional.of(module))))
                .as("classes of %s", module)
                .isNotEmpty());
    }

    @Test
    void everyClassBelongsToAModule() {
        ModuleRules.everyClassBelongsToAModule(Modules.PRODUCTION).check(MAIN_CLASSES);
    }

    @Test
    void apiDependsOnlyOnTheJdkAndTypesafeConfig() {
        ModuleRules.apiDependsOnlyOnTheJdkAndTypesafeConfig(Modules.PRODUCTION).check(MAIN_CLASSES);
    }

    @Test
    void onlyTheBackendTensorBoardBenchAndSamplesUseTensorFlow() {
        ModuleRules.onlyTheBackendTensorBoardBenchAndSamplesUseTensorFlow(Modules.PRODUCTION).check(MAIN_CLASSES);
    }

    @Test
    void internalPackagesAreUsedOnlyByTheirOwnModule() {
        ModuleRules.internalPackagesAreUsedOnlyByTheirOwnModule(Modules.PRODUCTION).check(MAIN_CLASSES);
    }

    @Test
    void pluginsDependOnlyOnTheApi() {
        ModuleRules.pluginsDependOnlyOnTheApi(Modules.PRODUCTION).check(MAIN_CLASSES);
    }
}
