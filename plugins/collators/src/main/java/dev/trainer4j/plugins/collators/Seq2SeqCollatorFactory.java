package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import dev.trainer4j.api.Collator;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.PluginContext;

/** {@code seq2seq}: HF's {@code DataCollatorForSeq2Seq}. */
public final class Seq2SeqCollatorFactory implements CollatorFactory {

    @Override
    public String name() {
        return "seq2seq";
    }

    @Override
    public String description() {
        return "pads labels with -100, then the inputs; optional decoder_input_ids (labels shifted right)";
    }

    @Override
    public Collator create(Config settings, PluginContext context) {
        PaddingSettings padding = PaddingSettings.from(settings, context);
        int decoderStart = ConfigIntegers.readInt(settings, "decoder-start-token-id");
        return new Seq2SeqCollator(padding, ConfigIntegers.readInt(settings, "label-pad-token-id"), settings.getBoolean("add-decoder-input-ids"),
                decoderStart >= 0 ? decoderStart : padding.padTokenId());
    }
}
