package dev.trainer4j.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

final class SuggestionsTest {

    @Test
    void distanceCountsEditsAndAdjacentTranspositionsAsOne() {
        assertThat(Suggestions.distance("learning-rate", "learning-rate")).isZero();
        assertThat(Suggestions.distance("lerning-rate", "learning-rate")).isEqualTo(1);
        assertThat(Suggestions.distance("laerning-rate", "learning-rate")).isEqualTo(1);
        assertThat(Suggestions.distance("seed", "speed")).isEqualTo(1);
        assertThat(Suggestions.distance("abc", "")).isEqualTo(3);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void nearestKeepsAtMostThreeNearestFirst() {
        List<String> candidates = List.of("seed", "data-seed", "speed", "steps", "sed", "need", "weight-decay");

        assertThat(Suggestions.nearest("seeds", candidates)).containsExactly("seed", "need", "sed");
    }

    @Test
    void farNamesAreNotSuggestedButWholeWordPartsAre() {
        assertThat(Suggestions.nearest("xyz", List.of("learning-rate", "seed"))).isEmpty();
        assertThat(Suggestions.nearest("patience", List.of("early-stopping-patience", "seed")))
                .containsExactly("early-stopping-patience");
        assertThat(Suggestions.didYouMean("f2", List.of("mse", "f3", "f1"))).isEqualTo("; did you mean 'f1' or 'f3'?");
        assertThat(Suggestions.didYouMean("qqqqqqq", List.of("f1"))).isEmpty();
    }
}
