package dev.trainer4j.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.multibindings.OptionalBinder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.config.RunConfigParser;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.StartupTimeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The entry point for embedding apps and the {@code trainer4j} command: plugins found on the class path (or given),
 * defaults from every {@code reference.conf}, and one Guice injector per run.
 *
 * <pre>{@code
 * // from a run file
 * try (Trainer trainer = Trainer4j.fromFile(Path.of("run.conf"))) { trainer.train(); }
 *
 * // in code, no config file
 * TrainerSpec spec = TrainerSpec.builder().args(TrainingArguments.builder().learningRate(1e-3).build())
 *         .model(model).trainDataset(train).build();
 * try (Trainer trainer = Trainer4j.backend("tensorflow").createTrainer(spec)) { trainer.train(); }
 * }</pre>
 *
 * Immutable; the {@code with*} methods return copies.
 */
public final class Trainer4j {
    private final PluginRegistry registry;
    private final Config reference;
    private final List<Module> modules;

    private Trainer4j(PluginRegistry registry, Config reference, List<Module> modules) {
        this.registry = requireNonNull(registry, "registry is null");
        this.reference = requireNonNull(reference, "reference is null").resolve();
        this.modules = List.copyOf(modules);
    }

    /** The plugins and {@code reference.conf} defaults visible to the thread's context class loader. */
    public static Trainer4j create() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader classLoader = context != null ? context : Trainer4j.class.getClassLoader();
        return new Trainer4j(PluginLoader.load(classLoader), ConfigFactory.defaultReference(classLoader), List.of());
    }

    /** Given plugins and defaults, e.g. {@code PluginLoader.register(List.of(new MyPlugin()))}. */
    public static Trainer4j create(PluginRegistry registry, Config reference) {
        return new Trainer4j(registry, reference, List.of());
    }

    /** The trainer of a run config (run keys at its root); relative paths resolve against the working directory. */
    public static Trainer fromConfig(Config runConfig) {
        Trainer4j runtime = create();
        return runtime.trainer(runtime.parse(runConfig, Path.of("").toAbsolutePath()));
    }

    /** The trainer of a run file; relative paths in it resolve against its folder. */
    public static Trainer fromFile(Path runFile) {
        return fromFile(runFile, List.of());
    }

    /**
     * The trainer of a run file with overrides as the CLI's {@code --set} takes them, e.g.
     * {@code fromFile(path, List.of("args.learning-rate=3e-4", "args.output-dir=runs/a"))}: a HOCON key path, {@code =},
     * a HOCON value; later assignments win. A bad assignment or key is a {@link ConfigurationException} naming it.
     */
    public static Trainer fromFile(Path runFile, List<String> overrides) {
        requireNonNull(overrides, "overrides is null");
        Trainer4j runtime = create();
        return runtime.trainer(runtime.load(runFile, ConfigOverrides.parse(overrides)));
    }

    /** A backend from the class path's plugins with its reference defaults, for runs built in code. */
    public static Backend backend(String name) {
        return create().newBackend(name);
    }

    /** Adds Guice modules to every run's injector, e.g. one that sets the {@link TrainerProvider}. */
    public Trainer4j withModules(Module... extra) {
        List<Module> all = new ArrayList<>(modules);
        all.addAll(List.of(extra));
        return new Trainer4j(registry, reference, all);
    }

    /** Makes every run's trainer with {@code provider}, e.g. {@code MyTrainer::new} for a Trainer subclass. */
    public Trainer4j withTrainerProvider(TrainerProvider provider) {
        requireNonNull(provider, "provider is null");
        return withModules(new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), TrainerProvider.class).setBinding().toInstance(provider);
            }
        });
    }

    /**
     * This runtime with {@code defaults} over the reference defaults, e.g. {@code trainer4j.args.save-on-interrupt =
     * true}: a run file or override that gives the setting (under any of its names) still wins.
     */
    public Trainer4j withDefaults(Config defaults) {
        requireNonNull(defaults, "defaults is null");
        return new Trainer4j(registry, defaults.withFallback(reference), modules);
    }

    public PluginRegistry registry() {
        return registry;
    }

    /** The library defaults: every {@code reference.conf}. */
    public Config reference() {
        return reference;
    }

    public RunConfigParser parser() {
        return new RunConfigParser(reference, registry);
    }

    /** Reads and validates a run file with {@code overrides} (run keys at their root) over it. */
    public RunConfig load(Path runFile, Config overrides) {
        return parser().load(runFile, overrides);
    }

    /** Validates a run config; relative paths resolve against {@code baseDirectory}. */
    public RunConfig parse(Config run, Path baseDirectory) {
        return parser().parse(run, baseDirectory);
    }

    /**
     * Loads the dependency-injection and JSON classes on a daemon thread (a throwaway injector, a throwaway JSON
     * mapper): the first injector of a JVM costs about a quarter of a second and the first mapper about a tenth
     * (JSONL data, the JSON loggers), mostly class loading, which a command line can overlap with its parsing and the
     * run file's. Optional; nothing depends on it having finished.
     */
    public static void warmUpInBackground() {
        Thread thread = new Thread(() -> {
            try {
                Guice.createInjector(Stage.PRODUCTION);
                new ObjectMapper().readTree("{\"warm-up\": [1, 2.5, \"text\", true, null]}");
            }
            catch (IOException | RuntimeException | LinkageError e) {
                // only a warm-up: the run's own injector and mappers report any problem
            }
        }, "trainer4j-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** The injector of one run: plugins, the run's settings, the assembler, and the extra modules. */
    public Injector injector(RunConfig run) {
        List<Module> all = new ArrayList<>();
        all.add(new PluginModule(registry));
        all.add(new RunModule(run));
        all.addAll(modules);
        Injector injector = Guice.createInjector(Stage.PRODUCTION, all);
        StartupTimeline.process().mark("guice");
        return injector;
    }

    /** Makes every product of a run without making the trainer. */
    public AssembledRun assemble(RunConfig run) {
        return injector(run).getInstance(TrainerAssembler.class).assemble(run);
    }

    /** Makes the trainer of a run, ready to train. */
    public Trainer trainer(RunConfig run) {
        return injector(run).getInstance(TrainerAssembler.class).trainer(run);
    }

    /** Makes the trainer of an already assembled run (e.g. one whose datasets a command inspected first). */
    public Trainer trainer(AssembledRun assembled) {
        requireNonNull(assembled, "assembled is null");
        return injector(assembled.run()).getInstance(TrainerAssembler.class).trainer(assembled);
    }

    /**
     * Starts loading the backend {@code name} in the background ({@link BackendFactory#preload}), e.g. TensorFlow's
     * native library while the run's data and tokenizer are prepared; an unknown name does nothing here (assembling
     * the run reports it).
     */
    public void preloadBackend(String name) {
        requireNonNull(name, "name is null");
        if (registry.names(PluginKind.BACKENDS).contains(name)) {
            registry.get(PluginKind.BACKENDS, name, BackendFactory.class).preload();
        }
    }

    /** A backend with its reference defaults ({@code trainer4j.plugins.backends.<name>}). */
    public Backend newBackend(String name) {
        return newBackend(name, ConfigFactory.empty());
    }

    /** A backend with {@code settings} over its reference defaults. */
    public Backend newBackend(String name, Config settings) {
        requireNonNull(name, "name is null");
        requireNonNull(settings, "settings is null");
        BackendFactory factory;
        try {
            factory = registry.get(PluginKind.BACKENDS, name, BackendFactory.class);
        }
        catch (IllegalArgumentException e) {
            throw new ConfigurationException("backend", "backend: " + e.getMessage(), e);
        }
        String path = PluginKind.BACKENDS.defaultsPath(name);
        Config merged = settings.withFallback(reference.hasPath(path) ? reference.getConfig(path) : ConfigFactory.empty());
        return factory.create(merged, new RunPluginContext(Path.of("").toAbsolutePath(), null));
    }
}
