package dev.trainer4j.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.trainer4j.architecture.Modules.Kind;
import dev.trainer4j.architecture.Modules.Module;
import java.util.Arrays;
import java.util.Optional;

/**
 * The dependency rules between modules. Each method builds one rule for a module mapping, so the same rule checks the
 * production classes and the fixture classes that prove it can fail.
 */
final class ModuleRules {
    private ModuleRules() {
    }

    /** Rule (a): the api is what plugins compile against, so it needs nothing but the JDK and Typesafe Config. */
    static ArchRule apiDependsOnlyOnTheJdkAndTypesafeConfig(Modules modules) {
        return classes().that(modules.inModulesOfKind(Kind.API))
                .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "javax..", "com.typesafe.config..")
                        .or(modules.inModulesOfKind(Kind.API)))
                .because("plugins compile against the api alone");
    }

    /** Rule (b): TensorFlow stays behind the backend; only tf-backend, the TensorBoard plugin, bench and samples see it. */
    static ArchRule onlyTheBackendTensorBoardBenchAndSamplesUseTensorFlow(Modules modules) {
        DescribedPredicate<JavaClass> mayUseTensorFlow = DescribedPredicate.describe(
                "belong to tf-backend, " + Modules.TENSORBOARD + ", bench or a sample",
                javaClass -> modules.moduleOf(javaClass)
                        .filter(module -> module.kind() == Kind.BACKEND || module.kind() == Kind.BENCH
                                || module.kind() == Kind.SAMPLE || module.name().equals(Modules.TENSORBOARD))
                        .isPresent());
        return noClasses().that(not(mayUseTensorFlow))
                .should().dependOnClassesThat().resideInAnyPackage("org.tensorflow..", "org.bytedeco..")
                .because("the rest of trainer4j is backend-agnostic");
    }

    /** Rule (c): a class in an {@code internal} package is used only by classes of its own module. */
    static ArchRule internalPackagesAreUsedOnlyByTheirOwnModule(Modules modules) {
        return classes().should(new ArchCondition<>("use no other module's internal packages") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<Module> originModule = modules.moduleOf(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    Optional<Module> targetModule = modules.moduleOf(target);
                    if (targetModule.isPresent() && isInternal(target) && !targetModule.equals(originModule)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                + ": internal to " + targetModule.get() + ", used from "
                                + originModule.map(Module::name).orElse("no module")));
                    }
                }
            }
        });
    }

    /** Rule (d): a plugin's main code uses the api and itself, not core, tf-backend or another plugin. */
    static ArchRule pluginsDependOnlyOnTheApi(Modules modules) {
        return classes().that(modules.inModulesOfKind(Kind.PLUGIN))
                .should(new ArchCondition<>("depend on no trainer4j class outside the api and their own plugin") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        Optional<Module> originModule = modules.moduleOf(origin);
                        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                            JavaClass target = dependency.getTargetClass().getBaseComponentType();
                            Optional<Module> targetModule = modules.moduleOf(target);
                            boolean allowed = !modules.isProjectClass(target)
                                    || targetModule.equals(originModule)
                                    || targetModule.filter(module -> module.kind() == Kind.API).isPresent();
                            if (!allowed) {
                                events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                        + ": " + originModule.orElseThrow() + " may use only the api, not "
                                        + targetModule.map(Module::name).orElse("a class outside every module")));
                            }
                        }
                    }
                })
                .because("a plugin is a jar that compiles against the api alone");
    }

    /** Every imported class belongs to a module, so that no package escapes the rules above unnoticed. */
    static ArchRule everyClassBelongsToAModule(Modules modules) {
        return classes().should(ArchCondition.from(modules.inAModule()));
    }

    private static boolean isInternal(JavaClass javaClass) {
        return Arrays.asList(javaClass.getPackageName().split("\\.")).contains("internal");
    }
}
