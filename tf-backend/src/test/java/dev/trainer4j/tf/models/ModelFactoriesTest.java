package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.nn.Activation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFactoriesTest {
    private static final PluginContext NO_TOKENIZER = () -> Path.of(".");

    private static Config block(String name, String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("trainer4j.plugins.models." + name));
    }

    @Test
    void mlpFactoryMergesTheDefaults() {
        MlpClassifierFactory factory = new MlpClassifierFactory();
        assertThat(factory.name()).isEqualTo("mlp-classifier");

        MlpClassifier model = (MlpClassifier) factory.create(block("mlp-classifier", "input-size = 4"), NO_TOKENIZER);

        assertThat(model.settings()).isEqualTo(new MlpClassifierSettings(4, List.of(128), 2, 0.1, Activation.RELU));
    }

    @Test
    void mlpFactoryReportsTheMissingOrBadKey() {
        MlpClassifierFactory factory = new MlpClassifierFactory();
        assertThatThrownBy(() -> factory.create(block("mlp-classifier", ""), NO_TOKENIZER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("input-size is missing; expected an integer > 0 (the number of features)");
        assertThatThrownBy(() -> factory.create(block("mlp-classifier", "input-size = 4, activation = swish"),
                NO_TOKENIZER))
                .hasMessage("activation: 'swish' is not allowed; expected one of [none, relu, gelu, gelu_new, tanh]");
        assertThatThrownBy(() -> factory.create(block("mlp-classifier", "input-size = many"), NO_TOKENIZER))
                .hasMessage("input-size: 'many' is not allowed; expected an integer > 0 (the number of features)");
        assertThatThrownBy(() -> factory.create(block("mlp-classifier", "input-size = 4, hidden-sizes = [8, 0]"),
                NO_TOKENIZER))
                .hasMessage("hidden-sizes: [8, 0] is not allowed; expected a list of integers > 0");
    }

    @Test
    void transformerFactoryTakesTheVocabularySizeFromTheTokenizerUnlessGiven() {
        TransformerClassifierFactory factory = new TransformerClassifierFactory();
        assertThat(factory.name()).isEqualTo("transformer-classifier");
        PluginContext withTokenizer = new PluginContext() {
            @Override
            public Path baseDirectory() {
                return Path.of(".");
            }

            @Override
            public Optional<Tokenizer> tokenizer() {
                return Optional.of(new FixedVocabularyTokenizer(321));
            }
        };

        TransformerClassifier fromTokenizer = (TransformerClassifier) factory.create(
                block("transformer-classifier", "pooling = mean"), withTokenizer);
        TransformerClassifier explicit = (TransformerClassifier) factory.create(
                block("transformer-classifier", "vocab-size = 50"), withTokenizer);

        assertThat(fromTokenizer.settings()).isEqualTo(
                new TransformerClassifierSettings(321, 128, 2, 4, 512, 512, 0.1, 1e-5, Pooling.MEAN, 2));
        assertThat(explicit.settings().vocabSize()).isEqualTo(50);
        assertThat(explicit.settings().pooling()).isEqualTo(Pooling.CLS);
        assertThatThrownBy(() -> factory.create(block("transformer-classifier", ""), NO_TOKENIZER))
                .hasMessage("vocab-size is missing; expected an integer > 0 (or a tokenizer in the run to take it "
                        + "from)");
        assertThatThrownBy(() -> factory.create(block("transformer-classifier", "vocab-size = 9, pooling = max"),
                NO_TOKENIZER))
                .hasMessage("pooling: 'max' is not allowed; expected one of [cls, mean]");
    }

    @Test
    void settingsRejectBadValuesNamingTheKey() {
        assertThatThrownBy(() -> new MlpClassifierSettings(0, List.of(), 2, 0, Activation.NONE))
                .hasMessage("input-size: 0 is not allowed; expected an integer > 0");
        assertThatThrownBy(() -> new MlpClassifierSettings(4, List.of(), 0, 0, Activation.NONE))
                .hasMessage("num-labels: 0 is not allowed; expected an integer > 0");
        assertThatThrownBy(() -> new MlpClassifierSettings(4, List.of(), 2, 1.0, Activation.NONE))
                .hasMessage("dropout: 1.0 is not allowed; expected a number in [0, 1)");
        assertThatThrownBy(() -> new TransformerClassifierSettings(100, 10, 1, 3, 16, 8, 0, 1e-5, Pooling.CLS, 2))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("num-heads: 3 does not divide hidden-size 10; expected a divisor of hidden-size");
        assertThatThrownBy(() -> new TransformerClassifierSettings(100, 8, 0, 2, 16, 8, 0, 1e-5, Pooling.CLS, 2))
                .hasMessage("num-layers: 0 is not allowed; expected an integer > 0");
        assertThatThrownBy(() -> new TransformerClassifierSettings(100, 8, 1, 2, 16, 8, 0, 0, Pooling.CLS, 2))
                .hasMessage("layer-norm-epsilon: 0.0 is not allowed; expected a number > 0");
        assertThatThrownBy(() -> new TransformerClassifierSettings(100, 8, 1, 2, 16, -1, 0, 1e-5, Pooling.CLS, 2))
                .hasMessage("max-position: -1 is not allowed; expected an integer > 0");
    }

    /** A tokenizer that only knows its vocabulary size. */
    record FixedVocabularyTokenizer(int vocabularySize) implements Tokenizer {
        @Override
        public Encoding encode(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int tokenToId(String token) {
            return -1;
        }

        @Override
        public int padTokenId() {
            return 0;
        }

        @Override
        public int maxLength() {
            return 512;
        }

        @Override
        public void save(Path tokenizerJson) {
            throw new UnsupportedOperationException();
        }
    }
}
