package dev.trainer4j.tf.internal;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TfFrozenVariablesTest {

    private static boolean matches(String glob, String name) {
        Pattern pattern = TfFrozenVariables.toPattern(glob);
        return pattern.matcher(name).matches();
    }

    @Test
    void aStarSpansSlashesAndAQuestionMarkIsOneCharacter() {
        assertThat(matches("embeddings/*", "embeddings/word_embeddings/embeddings")).isTrue();
        assertThat(matches("embeddings/*", "encoder/layer_0/embeddings")).isFalse();
        assertThat(matches("encoder/layer_?/*", "encoder/layer_3/attention/query/kernel")).isTrue();
        assertThat(matches("encoder/layer_?/*", "encoder/layer_10/attention/query/kernel")).isFalse();
        assertThat(matches("*/gamma", "encoder/layer_1/ffn_norm/gamma")).isTrue();
    }

    @Test
    void otherCharactersAreLiteralAndTheWholeNameMustMatch() {
        assertThat(matches("a.b", "a.b")).isTrue();
        assertThat(matches("a.b", "aXb")).isFalse();
        assertThat(matches("layer_(1)", "layer_(1)")).isTrue();
        assertThat(matches("classifier", "classifier/kernel")).isFalse();
        assertThat(matches("classifier/kernel", "classifier/kernel")).isTrue();
    }
}
