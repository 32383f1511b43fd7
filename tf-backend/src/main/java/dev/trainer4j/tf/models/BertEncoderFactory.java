package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.nn.Activation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Makes a {@link BertEncoder} from the block {@code trainer4j.plugins.models.bert-encoder}. With
 * {@code config = path/to/config.json} (HF's {@code BertConfig} keys; relative to the run file) the file sets the
 * sizes: a size, {@code layer-norm-eps}, {@code hidden-act}, {@code max-position} or {@code type-vocab-size} set in
 * the model block as well must equal the file's value, or the run stops naming both. Dropout rates set in the
 * block override the file's (as keyword arguments of HF's {@code from_pretrained} do). {@code vocab-size} comes
 * from the block, else the file, else the run's tokenizer; a tokenizer with more ids than {@code vocab-size} is an
 * error.
 */
public final class BertEncoderFactory implements ModelFactory {

    @Override
    public String name() {
        return BertEncoder.NAME;
    }

    @Override
    public String description() {
        return "BERT (post-LN encoder, HF parameter names) with a sequence-classification, token-classification or"
                + " embedding head; sizes from the block or an HF config.json";
    }

    @Override
    public Model create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        SettingsReader reader = new SettingsReader(settings);
        HuggingFaceConfig file = HuggingFaceConfig.read(reader, context);
        Optional<Tokenizer> tokenizer = context == null ? Optional.empty() : context.tokenizer();

        int vocabSize;
        if (reader.given("vocab-size") || file.has("vocab_size") || tokenizer.isEmpty()) {
            vocabSize = file.integer(reader, "vocab-size", "vocab_size",
                    "an integer > 0 (or a config.json or a tokenizer in the run to take it from)");
        } else {
            vocabSize = tokenizer.get().vocabularySize();
        }
        if (tokenizer.isPresent() && tokenizer.get().vocabularySize() > vocabSize) {
            throw new ConfigurationException("vocab-size", "vocab-size: the run's tokenizer has "
                    + tokenizer.get().vocabularySize() + " ids but the model's word embeddings have " + vocabSize
                    + " rows (vocab-size" + file.describe("vocab_size") + "); expected a tokenizer of at most "
                    + vocabSize + " ids, the one that comes with the weights");
        }
        BertHead head = BertHead.fromName("head", reader.string("head",
                "sequence-classification, token-classification or embedding"));
        return new BertEncoder(new BertEncoderSettings(
                vocabSize,
                file.integer(reader, "hidden-size", "hidden_size", "an integer > 0"),
                file.integer(reader, "num-layers", "num_hidden_layers", "an integer > 0"),
                file.integer(reader, "num-heads", "num_attention_heads", "an integer > 0"),
                file.integer(reader, "intermediate-size", "intermediate_size", "an integer > 0"),
                file.integer(reader, "max-position", "max_position_embeddings", "an integer > 0"),
                file.integer(reader, "type-vocab-size", "type_vocab_size", "an integer > 0"),
                file.number(reader, "layer-norm-eps", "layer_norm_eps", "a number > 0"),
                file.rate(reader, "hidden-dropout", "hidden_dropout_prob"),
                file.rate(reader, "attention-dropout", "attention_probs_dropout_prob"),
                Activation.fromName("hidden-act", file.string(reader, "hidden-act", "hidden_act",
                        "gelu, gelu_new, relu or tanh")),
                reader.bool("token-type-ids", "true or false"),
                head,
                Pooling.fromName("pooling", reader.string("pooling", "cls or mean")),
                reader.integer("num-labels", "an integer > 0"),
                reader.strings("freeze", "a list of globs over variable names, e.g. [\"embeddings/*\"]"),
                reader.number("layer-wise-lr-decay", "a number in (0, 1]")));
    }

    /** An HF {@code config.json} (or none), and how its keys combine with the model block's. */
    private record HuggingFaceConfig(Config config, String path) {

        static HuggingFaceConfig read(SettingsReader reader, PluginContext context) {
            if (!reader.has("config")) {
                return new HuggingFaceConfig(null, null);
            }
            String given = reader.string("config", "the path of an HF config.json");
            Path file = context == null ? Path.of(given) : context.resolve(given);
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException("config", given + " (resolved to " + file + ")",
                        "an HF config.json file that exists");
            }
            try {
                return new HuggingFaceConfig(ConfigFactory.parseFile(file.toFile(),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setAllowMissing(false)), given);
            } catch (ConfigException e) {
                throw new ConfigurationException("config", "config: " + given + " is not a JSON config.json: "
                        + e.getMessage(), e);
            }
        }

        boolean has(String hfKey) {
            return config != null && config.hasPath(hfKey);
        }

        String describe(String hfKey) {
            return has(hfKey) ? " from " + path : "";
        }

        int integer(SettingsReader reader, String key, String hfKey, String expected) {
            return merged(reader, key, hfKey, expected, () -> reader.integer(key, expected), () -> {
                Number value = config.getNumber(hfKey);
                if (value.doubleValue() != value.intValue()) {
                    throw new ConfigurationException("config", "config: " + hfKey + " = " + value + " in " + path
                            + " is not an integer");
                }
                return value.intValue();
            });
        }

        double number(SettingsReader reader, String key, String hfKey, String expected) {
            return merged(reader, key, hfKey, expected, () -> reader.number(key, expected),
                    () -> config.getDouble(hfKey));
        }

        String string(SettingsReader reader, String key, String hfKey, String expected) {
            return merged(reader, key, hfKey, expected, () -> reader.string(key, expected),
                    () -> config.getString(hfKey));
        }

        /** A dropout rate: the block's when set there, else the file's, else the default. */
        double rate(SettingsReader reader, String key, String hfKey) {
            String expected = "a number in [0, 1)";
            if (!reader.given(key) && has(hfKey)) {
                return fromFile(hfKey, () -> config.getDouble(hfKey));
            }
            return reader.number(key, expected);
        }

        private <T> T merged(SettingsReader reader, String key, String hfKey, String expected,
                             java.util.function.Supplier<T> fromBlock, java.util.function.Supplier<T> fromFileValue) {
            if (!has(hfKey)) {
                return fromBlock.get();
            }
            T fileValue = fromFile(hfKey, fromFileValue);
            if (reader.given(key)) {
                T blockValue = fromBlock.get();
                if (!same(blockValue, fileValue)) {
                    throw new ConfigurationException(key, key + " = " + blockValue + " in the model block conflicts with "
                            + hfKey + " = " + fileValue + " in " + path + "; expected the same value or only one of them");
                }
                return blockValue;
            }
            return fileValue;
        }

        private <T> T fromFile(String hfKey, java.util.function.Supplier<T> value) {
            try {
                return value.get();
            } catch (ConfigException.WrongType e) {
                throw new ConfigurationException("config", "config: " + hfKey + " = "
                        + config.getValue(hfKey).unwrapped() + " in " + path + " has the wrong type: " + e.getMessage());
            }
        }

        private static boolean same(Object block, Object file) {
            if (block instanceof Number a && file instanceof Number b) {
                return a.doubleValue() == b.doubleValue();
            }
            return block instanceof String a && file instanceof String b ? a.equalsIgnoreCase(b) : block.equals(file);
        }
    }
}
