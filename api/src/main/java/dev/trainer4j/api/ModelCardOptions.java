package dev.trainer4j.api;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The arguments of HF's {@code create_model_card}, for {@link Trainer#createModelCard}: what the trainer cannot know
 * itself. Empty values are left out of the card.
 *
 * @param modelName the card's title; empty: the output dir's name
 * @param language the languages, e.g. {@code en}
 * @param license e.g. {@code apache-2.0}
 * @param tags tags besides HF's {@code generated_from_trainer}
 * @param finetunedFrom the model the run started from, e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
 * @param tasks e.g. {@code text-classification}
 * @param datasets the names of the data the run used
 */
public record ModelCardOptions(Optional<String> modelName, List<String> language, Optional<String> license,
                               List<String> tags, Optional<String> finetunedFrom, List<String> tasks, List<String> datasets) {
    public ModelCardOptions {
        requireNonNull(modelName, "modelName is null");
        language = List.copyOf(requireNonNull(language, "language is null"));
        requireNonNull(license, "license is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(finetunedFrom, "finetunedFrom is null");
        tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
    }

    /** No options: HF's defaults. */
    public static ModelCardOptions defaults() {
        return new ModelCardOptions(Optional.empty(), List.of(), Optional.empty(), List.of(), Optional.empty(), List.of(),
                List.of());
    }
}
