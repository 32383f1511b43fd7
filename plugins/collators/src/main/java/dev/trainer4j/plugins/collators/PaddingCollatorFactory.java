package dev.trainer4j.plugins.collators;

import com.typesafe.config.Config;
import dev.trainer4j.api.Collator;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.PluginContext;

/** {@code padding}: HF's {@code DataCollatorWithPadding}. */
public final class PaddingCollatorFactory implements CollatorFactory {

    @Override
    public String name() {
        return "padding";
    }

    @Override
    public String description() {
        return "pads input_ids/attention_mask to the longest (or max-length, rounded to pad-to-multiple-of); label -> labels";
    }

    @Override
    public Collator create(Config settings, PluginContext context) {
        return new PaddingCollator(PaddingSettings.from(settings, context));
    }
}
