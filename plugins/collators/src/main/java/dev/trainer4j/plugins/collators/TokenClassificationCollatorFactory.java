package dev.trainer4j.plugins.collators;

import com.typesafe.config.Config;
import dev.trainer4j.api.Collator;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.PluginContext;

/** {@code token-classification}: HF's {@code DataCollatorForTokenClassification} with run_ner's label alignment. */
public final class TokenClassificationCollatorFactory implements CollatorFactory {

    @Override
    public String name() {
        return "token-classification";
    }

    @Override
    public String description() {
        return "pads input_ids/attention_mask and per-token labels (-100); aligns word labels to sub-word tokens"
                + " through word_ids (first piece labelled, others -100 unless label-all-tokens)";
    }

    @Override
    public Collator create(Config settings, PluginContext context) {
        return new TokenClassificationCollator(PaddingSettings.from(settings, context),
                TokenClassificationSettings.from(settings));
    }
}
