package dev.trainer4j.runtime;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.spi.Backend;

/**
 * Makes the {@link Trainer} of an assembled run. The default asks the backend ({@link Backend#createTrainer}), so a
 * backend with its own {@code Trainer} subclass gets it; an embedding app replaces it to use its own subclass
 * (HF's "subclass the Trainer" pattern), e.g. {@code Trainer4j.create().withTrainerProvider(MyTrainer::new)}.
 */
@FunctionalInterface
public interface TrainerProvider {

    /** The default: {@code backend.createTrainer(spec)}. */
    TrainerProvider BACKEND_DEFAULT = (spec, backend) -> backend.createTrainer(spec);

    Trainer create(TrainerSpec spec, Backend backend);
}
