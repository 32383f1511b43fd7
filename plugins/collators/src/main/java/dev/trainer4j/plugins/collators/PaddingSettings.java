package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import dev.trainer4j.spi.PluginContext;

import static java.util.Objects.requireNonNull;

/**
 * How a collator pads sequences (right side).
 *
 * @param strategy pad to the longest sequence or to {@code maxLength}
 * @param maxLength the padded length for {@link PaddingStrategy#MAX_LENGTH} (0 = unset; ignored for longest, as in HF)
 * @param padToMultipleOf round the padded length up to a multiple of this (0 or 1 = no rounding)
 * @param padTokenId the id written into padded {@code input_ids}
 */
public record PaddingSettings(PaddingStrategy strategy, int maxLength, int padToMultipleOf, int padTokenId) {
    public PaddingSettings {
        requireNonNull(strategy, "strategy is null");
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (unset) or positive, got " + maxLength);
        }
        if (strategy == PaddingStrategy.MAX_LENGTH && maxLength == 0) {
            throw new IllegalArgumentException("padding = max-length needs a positive 'max-length'");
        }
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("pad-to-multiple-of must be 0 (none) or positive, got " + padToMultipleOf);
        }
        if (padTokenId < 0) {
            throw new IllegalArgumentException("pad-token-id must be non-negative, got " + padTokenId);
        }
    }

    /** Right-pads to the longest sequence with pad id {@code padTokenId}, no rounding. */
    public static PaddingSettings longest(int padTokenId) {
        return new PaddingSettings(PaddingStrategy.LONGEST, 0, 0, padTokenId);
    }

    /**
     * Reads {@code padding}, {@code max-length}, {@code pad-to-multiple-of} and {@code pad-token-id}; a negative
     * {@code pad-token-id} means the run's tokenizer's padding id, or 0 without a tokenizer.
     */
    public static PaddingSettings from(Config settings, PluginContext context) {
        int configured = ConfigIntegers.readInt(settings, "pad-token-id");
        int padTokenId = configured >= 0 ? configured : context.tokenizer().map(tokenizer -> tokenizer.padTokenId()).orElse(0);
        return new PaddingSettings(PaddingStrategy.parse(settings.getString("padding")), ConfigIntegers.readInt(settings, "max-length"),
                ConfigIntegers.readInt(settings, "pad-to-multiple-of"), padTokenId);
    }

    /** The padded length of a batch whose longest sequence has {@code longest} tokens. */
    public int paddedLength(int longest, String field) {
        int length = longest;
        if (strategy == PaddingStrategy.MAX_LENGTH) {
            if (longest > maxLength) {
                throw new IllegalArgumentException("a '" + field + "' sequence has " + longest + " tokens, more than max-length "
                        + maxLength + "; truncate when tokenizing (the tokenizer's max-length)");
            }
            length = maxLength;
        }
        if (padToMultipleOf > 1 && length % padToMultipleOf != 0) {
            length += padToMultipleOf - length % padToMultipleOf;
        }
        return length;
    }
}
