package dev.trainer4j.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightMappingTest {

    @Test
    void firstMatchingPrefixRewriteRenamesASourceKey() {
        WeightMapping mapping = WeightMapping.IDENTITY
                .rewritePrefix("bert/encoder/", "encoder/")
                .rewritePrefix("bert/", "");
        assertThat(mapping.modelName("bert/encoder/layer_0/kernel")).isEqualTo("encoder/layer_0/kernel");
        assertThat(mapping.modelName("bert/pooler/dense/bias")).isEqualTo("pooler/dense/bias");
        assertThat(mapping.modelName("classifier/kernel")).isEqualTo("classifier/kernel");
        assertThat(mapping.rewrites()).hasSize(2);
    }

    @Test
    void globStarStaysInsideOneSegmentAndDoubleStarCrossesSegments() {
        assertThat(WeightMapping.globToRegex("a.b/*/c?")).isEqualTo("\\Qa.b/\\E[^/]*\\Q/c\\E[^/]");
        WeightMapping single = WeightMapping.IDENTITY.skipGlob("classifier/*");
        assertThat(single.skips("classifier/kernel")).isTrue();
        assertThat(single.skips("classifier/head/kernel")).isFalse();
        assertThat(single.skips("my_classifier/kernel")).isFalse();
        WeightMapping deep = WeightMapping.IDENTITY.skipGlob("encoder/**/bias");
        assertThat(deep.skips("encoder/layer_0/attention/query/bias")).isTrue();
        assertThat(deep.skips("encoder/layer_0/attention/query/kernel")).isFalse();
        assertThat(WeightMapping.IDENTITY.skipGlob("layer_?/x").skips("layer_10/x")).isFalse();
    }

    @Test
    void regexSkipsMatchTheWholeName() {
        WeightMapping mapping = WeightMapping.IDENTITY.skipRegex("encoder/layer_[01]/.*");
        assertThat(mapping.skips("encoder/layer_1/ffn_norm/gamma")).isTrue();
        assertThat(mapping.skips("encoder/layer_2/ffn_norm/gamma")).isFalse();
        assertThat(mapping.skips("x/encoder/layer_1/y")).isFalse();
    }

    @Test
    void strictIsOffByDefaultAndEmptyRewritesAreRejected() {
        assertThat(WeightMapping.IDENTITY.strict()).isFalse();
        assertThat(WeightMapping.IDENTITY.strict(true).strict()).isTrue();
        assertThatThrownBy(() -> WeightMapping.IDENTITY.rewritePrefix("", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    }
}
