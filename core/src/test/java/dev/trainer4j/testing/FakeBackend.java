package dev.trainer4j.testing;

import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.EngineOptions;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A backend in plain Java doubles for testing the loop: compiles a {@link FakeModel} into a {@link FakeEngine}.
 * By default it can train and nothing else (no bf16/fp16, one device).
 */
public final class FakeBackend implements Backend {
    private final Set<BackendCapability> capabilities;
    private final List<FakeEngine> engines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<EngineOptions> compileOptions = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> nonFiniteSteps = new HashSet<>();
    private double[] initialWeights;
    private int maxRowsInMemory = Integer.MAX_VALUE;

    public FakeBackend() {
        this(EnumSet.of(BackendCapability.TRAINING));
    }

    public FakeBackend(Set<BackendCapability> capabilities) {
        this.capabilities = Set.copyOf(capabilities);
    }

    /** Engines compiled from now on start from these weights (the last one is the bias) instead of seeded ones. */
    public FakeBackend initialWeights(double... weightsThenBias) {
        this.initialWeights = weightsThenBias.clone();
        return this;
    }

    /** Engines compiled from now on report a non-finite step at these 0-based {@code StepContext.globalStep}s. */
    public FakeBackend nonFiniteAt(long... steps) {
        for (long step : steps) {
            nonFiniteSteps.add(step);
        }
        return this;
    }

    /** Engines throw {@link OutOfMemoryError} for a training micro-batch of more than {@code rows} rows. */
    public FakeBackend outOfMemoryAbove(int rows) {
        this.maxRowsInMemory = rows;
        return this;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return capabilities;
    }

    @Override
    public Trainer createTrainer(TrainerSpec spec) {
        return new DefaultTrainer(spec, this);
    }

    @Override
    public FakeEngine compile(Model model, TrainingArguments args, EngineOptions options) {
        if (!(model instanceof FakeModel fake)) {
            throw new IllegalArgumentException("the fake backend runs only FakeModel, not " + model.name());
        }
        FakeEngine engine = new FakeEngine(fake.features(), args, options, initialWeights, nonFiniteSteps, maxRowsInMemory);
        engines.add(engine);
        compileOptions.add(options);
        return engine;
    }

    public List<FakeEngine> engines() {
        return engines;
    }

    public List<EngineOptions> compileOptions() {
        return compileOptions;
    }

    public FakeEngine lastEngine() {
        if (engines.isEmpty()) {
            throw new IllegalStateException("nothing compiled yet");
        }
        return engines.get(engines.size() - 1);
    }
}
