package dev.trainer4j.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.List;
import java.util.Optional;

/**
 * Which module each class belongs to, by package root: the one place that maps packages to modules. The same layout
 * is mapped under the real base package ({@link #PRODUCTION}) and under the fixture package ({@link #FIXTURE}), so a
 * rule built for one can be applied to the other.
 */
final class Modules {
    /** What a module is, for rules that treat every module of a kind alike. */
    enum Kind { API, CORE, BACKEND, PLUGIN, CLI, SAMPLE, BENCH }

    /** A module: its folder in the build and the package roots (relative to the base package) it owns. */
    record Module(String name, Kind kind, List<String> packageRoots) {
        boolean owns(String packageName) {
            return packageRoots.stream()
                    .anyMatch(root -> packageName.equals(root) || packageName.startsWith(root + "."));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final String TENSORBOARD = "plugins/tensorboard";

    private static final List<Module> LAYOUT = List.of(
            module("api", Kind.API, "api", "spi"),
            module("core", Kind.CORE, "loop", "data", "schedule", "config", "runtime", "search", "cluster"),
            module("tf-backend", Kind.BACKEND, "tf"),
            module("plugins/metrics", Kind.PLUGIN, "plugins.metrics"),
            module("plugins/data", Kind.PLUGIN, "plugins.data"),
            module("plugins/callbacks", Kind.PLUGIN, "plugins.callbacks"),
            module(TENSORBOARD, Kind.PLUGIN, "plugins.tensorboard"),
            module("plugins/tokenizers", Kind.PLUGIN, "plugins.tokenizers"),
            module("plugins/collators", Kind.PLUGIN, "plugins.collators"),
            module("cli", Kind.CLI, "cli"),
            module("samples/custom-loss", Kind.SAMPLE, "samples.customloss"),
            module("samples/embedding", Kind.SAMPLE, "samples.embedding"),
            module("bench", Kind.BENCH, "bench"));

    static final Modules PRODUCTION = new Modules("dev.trainer4j");
    static final Modules FIXTURE = new Modules("dev.trainer4j.architecture.fixture");

    private final String basePackage;
    private final List<Module> modules;

    private Modules(String basePackage) {
        this.basePackage = basePackage;
        this.modules = LAYOUT.stream()
                .map(module -> new Module(module.name(), module.kind(),
                        module.packageRoots().stream().map(root -> basePackage + "." + root).toList()))
                .toList();
    }

    private static Module module(String name, Kind kind, String... packageRoots) {
        return new Module(name, kind, List.of(packageRoots));
    }

    /** The package every module lives under; classes below it that no module owns belong to the project still. */
    String basePackage() {
        return basePackage;
    }

    List<Module> all() {
        return modules;
    }

    Optional<Module> moduleOf(JavaClass javaClass) {
        String packageName = javaClass.getPackageName();
        return modules.stream().filter(module -> module.owns(packageName)).findFirst();
    }

    boolean isProjectClass(JavaClass javaClass) {
        return javaClass.getPackageName().equals(basePackage)
                || javaClass.getPackageName().startsWith(basePackage + ".");
    }

    DescribedPredicate<JavaClass> inModulesOfKind(Kind kind) {
        return DescribedPredicate.describe("belong to a module of kind " + kind,
                javaClass -> moduleOf(javaClass).filter(module -> module.kind() == kind).isPresent());
    }

    DescribedPredicate<JavaClass> inAModule() {
        return DescribedPredicate.describe("belong to a module under " + basePackage,
                javaClass -> moduleOf(javaClass).isPresent());
    }
}
