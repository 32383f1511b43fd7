package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.PluginContext;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code language-modeling}: HF's {@code DataCollatorForLanguageModeling}. Unset ids come from the run's tokenizer:
 * {@code mask-token-id} from {@code [MASK]} or {@code <mask>}, {@code vocab-size} from its vocabulary, and
 * {@code special-token-ids} from the pad id and the usual special tokens it knows.
 */
public final class LanguageModelingCollatorFactory implements CollatorFactory {
    private static final List<String> MASK_TOKENS = List.of("[MASK]", "<mask>");
    private static final List<String> SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "<s>", "</s>", "<pad>", "<unk>", "<mask>", "<|endoftext|>");

    @Override
    public String name() {
        return "language-modeling";
    }

    @Override
    public String description() {
        return "masked LM (mlm = true: 15% of tokens, 80/10/10) or causal LM labels (mlm = false)";
    }

    @Override
    public Collator create(Config settings, PluginContext context) {
        PaddingSettings padding = PaddingSettings.from(settings, context);
        if (!settings.getBoolean("mlm")) {
            return LanguageModelingCollator.causal(padding);
        }
        Optional<Tokenizer> tokenizer = context.tokenizer();
        int maskTokenId = ConfigIntegers.readInt(settings, "mask-token-id");
        if (maskTokenId < 0) {
            maskTokenId = tokenizer.flatMap(t -> MASK_TOKENS.stream().map(t::tokenToId).filter(id -> id >= 0).findFirst()).orElse(-1);
        }
        int vocabularySize = ConfigIntegers.readInt(settings, "vocab-size");
        if (vocabularySize <= 0) {
            vocabularySize = tokenizer.map(Tokenizer::vocabularySize).orElse(0);
        }
        TreeSet<Integer> specials = new TreeSet<>(ConfigIntegers.readIntList(settings, "special-token-ids"));
        if (specials.isEmpty()) {
            specials.add(padding.padTokenId());
            tokenizer.ifPresent(t -> SPECIAL_TOKENS.stream().map(t::tokenToId).filter(id -> id >= 0).forEach(specials::add));
        }
        return LanguageModelingCollator.masked(padding, settings.getDouble("mlm-probability"), settings.getDouble("mask-replace-prob"),
                settings.getDouble("random-replace-prob"), maskTokenId, vocabularySize,
                specials.stream().mapToInt(Integer::intValue).toArray());
    }
}
