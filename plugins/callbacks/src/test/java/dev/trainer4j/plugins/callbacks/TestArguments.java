package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.TrainingArguments;

/** Arguments and states for driving callbacks by hand, as the loop would. */
final class TestArguments {
    private TestArguments() {
    }

    static TrainingArguments.Builder builder(String outputDir) {
        return TrainingArguments.builder().outputDir(outputDir);
    }
}
