package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;

import java.util.Arrays;
import java.util.Locale;

/** What a {@link BertEncoder} puts on top of its last hidden state. */
public enum BertHead {
    /** One label per sequence from the pooled state (HF's {@code BertForSequenceClassification}). */
    SEQUENCE_CLASSIFICATION,
    /** One label per token (HF's {@code BertForTokenClassification}); -100 labels are ignored. */
    TOKEN_CLASSIFICATION,
    /** No head: the mean-pooled last hidden state ({@code embedding}) and the last hidden state. */
    EMBEDDING;

    /** The kebab-case name used in settings, e.g. {@code sequence-classification}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The head named {@code name} (case-insensitive); errors name {@code key}. */
    public static BertHead fromName(String key, String name) {
        for (BertHead head : values()) {
            if (head.configName().equalsIgnoreCase(name)) {
                return head;
            }
        }
        throw new ConfigurationException(key, name,
                "one of " + Arrays.stream(values()).map(BertHead::configName).toList());
    }
}
