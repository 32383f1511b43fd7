package dev.trainer4j.docs;

import dev.trainer4j.api.Argument;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.config.HuggingFaceArguments;
import dev.trainer4j.config.HuggingFaceArguments.Answer;
import dev.trainer4j.config.HuggingFaceArguments.Origin;
import dev.trainer4j.config.HuggingFaceArguments.Status;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The generated part of docs/from-hugging-face.md: every name of HF's {@code TrainingArguments} and
 * {@code Seq2SeqTrainingArguments} with trainer4j's answer, from core's {@link HuggingFaceArguments} (the one place that
 * says what each name does), and the {@code args} keys that HF does not have.
 */
final class HfArguments {
    static final Path FILE = Path.of("from-hugging-face.md");
    static final String BEGIN_PREFIX = "<!-- BEGIN GENERATED hf-arguments";
    static final String BEGIN = BEGIN_PREFIX + ": by docs-tests' HfArguments from core's HuggingFaceArguments"
            + " and the TrainingArguments declarations; do not edit between the markers. Regenerate: "
            + Repository.REGENERATE_COMMAND + " -->";
    static final String END = "<!-- END GENERATED hf-arguments -->";

    private HfArguments() {
    }

    /** The text between the markers. */
    static String render() {
        List<Answer> answers = HuggingFaceArguments.answers();
        Map<Status, Long> counts = new EnumMap<>(Status.class);
        answers.forEach(answer -> counts.merge(answer.status(), 1L, Long::sum));
        StringBuilder out = new StringBuilder();
        out.append("Of HF's ").append(answers.size()).append(" names: ");
        List<String> parts = new ArrayList<>();
        counts.forEach((status, count) -> parts.add(count + " " + status.label()));
        out.append(String.join(", ", parts)).append(". `trainer4j config --explain-hf` prints the same table.\n\n");
        out.append("- **implemented**: accepted in a run file's `args` block under the HF name or the trainer4j key"
                + " (kebab-case); in Java, the `TrainingArguments.Builder` method of the key.\n");
        out.append("- **no-op**: accepted and ignored (a debug line says so), where HF itself ignores it on one CPU"
                + " process.\n");
        out.append("- **refused**: the run stops before training with a message naming the key, the reason and what to use"
                + " instead.\n");
        out.append("- **owned**: being built under another issue; until then refused as \"not yet supported\".\n");
        out.append("- **not yet supported**: refused as \"not yet supported\".\n\n");
        out.append("| HF field | status | trainer4j `args` key | note |\n|---|---|---|---|\n");
        for (Answer answer : answers) {
            String origin = answer.origin() == Origin.V5 ? "" : " (" + answer.origin().name().toLowerCase(Locale.ROOT) + ")";
            out.append("| `").append(answer.name()).append("`").append(origin).append(" | ").append(answer.status().label())
                    .append(" | ").append(answer.key().map(key -> "`" + key + "`").orElse("")).append(" | ")
                    .append(answer.note()).append(" |\n");
        }
        Set<String> fromHf = new HashSet<>();
        answers.forEach(answer -> answer.key().ifPresent(fromHf::add));
        List<String> keys = new ArrayList<>();
        for (Argument<?> argument : TrainingArguments.arguments()) {
            if (!fromHf.contains(argument.key())) {
                keys.add("`" + argument.key() + "`");
            }
        }
        keys.sort(null);
        out.append("\n### trainer4j only\n\nThese `args` keys have no HF field (see the [key reference](run-file-keys.md#args-trainingarguments)): ");
        out.append(String.join(", ", keys)).append(".\n");
        return out.toString();
    }

    /** {@code document} with the begin marker's line, the text up to the end marker, replaced by the generated text. */
    static String replaceGenerated(String document) {
        int begin = document.indexOf(BEGIN_PREFIX);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("docs/" + FILE + " lacks the markers " + BEGIN_PREFIX + " ... " + END);
        }
        return document.substring(0, begin) + BEGIN + "\n" + render() + document.substring(end);
    }
}
