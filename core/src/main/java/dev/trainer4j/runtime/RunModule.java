package dev.trainer4j.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import com.typesafe.config.Config;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.config.RunConfig;

import static java.util.Objects.requireNonNull;

/**
 * Binds one run: its {@link RunConfig}, its fully resolved {@link Config}, its {@link TrainingArguments}, the
 * {@link TrainerAssembler}, and the {@link TrainerProvider} (an {@link OptionalBinder} whose default asks the
 * backend; another module may {@code setBinding()} it). Only binds.
 */
public final class RunModule extends AbstractModule {
    private final RunConfig run;

    public RunModule(RunConfig run) {
        this.run = requireNonNull(run, "run is null");
    }

    @Override
    protected void configure() {
        bind(RunConfig.class).toInstance(run);
        bind(Config.class).toInstance(run.resolved());
        bind(TrainingArguments.class).toInstance(run.args());
        bind(TrainerAssembler.class).in(Scopes.SINGLETON);
        OptionalBinder.newOptionalBinder(binder(), TrainerProvider.class)
                .setDefault().toInstance(TrainerProvider.BACKEND_DEFAULT);
    }
}
