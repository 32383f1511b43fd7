package dev.trainer4j.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.trainer4j.architecture.fixture.api.ContractLeakingTheLoop;
import dev.trainer4j.architecture.fixture.bench.BenchUsingCoreInternals;
import dev.trainer4j.architecture.fixture.cli.CommandUsingTensorFlow;
import dev.trainer4j.architecture.fixture.data.internal.FixtureSampler;
import dev.trainer4j.architecture.fixture.loop.FixtureLoop;
import dev.trainer4j.architecture.fixture.plugins.callbacks.CallbackUsingTheLoop;
import dev.trainer4j.architecture.fixture.unmapped.ClassOutsideEveryModule;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ProductionClassesFollowModuleRulesTest}, built by the same methods for the fixture mapping: each
 * reports exactly the violation planted in {@code dev.trainer4j.architecture.fixture}, and nothing in the classes that
 * follow it.
 */
class ModuleRulesCatchPlantedViolationsTest {
    private static final JavaClasses FIXTURE_CLASSES =
            new ClassFileImporter().importPackages(Modules.FIXTURE.basePackage());

    @Test
    void everyClassBelongsToAModuleReportsTheUnmappedPackage() {
        assertReportsOnly(ModuleRules.everyClassBelongsToAModule(Modules.FIXTURE),
                ClassOutsideEveryModule.class.getName());
    }

    @Test
    void apiRuleReportsTheContractThatNamesACoreClass() {
        assertReportsOnly(ModuleRules.apiDependsOnlyOnTheJdkAndTypesafeConfig(Modules.FIXTURE),
                ContractLeakingTheLoop.class.getName(), FixtureLoop.class.getName());
    }

    @Test
    void tensorFlowRuleReportsTheCommandThatNamesAGraph() {
        assertReportsOnly(ModuleRules.onlyTheBackendTensorBoardBenchAndSamplesUseTensorFlow(Modules.FIXTURE),
                CommandUsingTensorFlow.class.getName(), "org.tensorflow.Graph");
    }

    @Test
    void internalPackageRuleReportsTheBenchThatUsesACoreInternal() {
        assertReportsOnly(ModuleRules.internalPackagesAreUsedOnlyByTheirOwnModule(Modules.FIXTURE),
                BenchUsingCoreInternals.class.getName(), FixtureSampler.class.getName());
    }

    @Test
    void pluginRuleReportsTheCallbackThatUsesTheLoop() {
        assertReportsOnly(ModuleRules.pluginsDependOnlyOnTheApi(Modules.FIXTURE),
                CallbackUsingTheLoop.class.getName(), FixtureLoop.class.getName());
    }

    private static void assertReportsOnly(ArchRule rule, String... namesInTheViolation) {
        EvaluationResult result = rule.evaluate(FIXTURE_CLASSES);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).singleElement().asString().contains(namesInTheViolation);
    }
}
