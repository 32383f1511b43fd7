package dev.trainer4j.plugins.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Porter stemmer on the examples of NLTK's documentation of {@code PorterStemmer} (its default
 * {@code NLTK_EXTENSIONS} mode) and the cases where that mode departs from Porter's paper; the full list of 1443
 * stems written by NLTK 3.10.3 is checked by {@link TextMetricsFixtureTest}.
 */
class PorterStemmerTest {
    private final PorterStemmer stemmer = new PorterStemmer();

    @Test
    void stemsNltksDocumentedExamples() {
        String[][] examples = {
                {"caresses", "caress"}, {"flies", "fli"}, {"dies", "die"}, {"mules", "mule"}, {"denied", "deni"},
                {"died", "die"}, {"agreed", "agre"}, {"owned", "own"}, {"humbled", "humbl"}, {"sized", "size"},
                {"meeting", "meet"}, {"stating", "state"}, {"siezing", "siez"}, {"itemization", "item"},
                {"sensational", "sensat"}, {"traditional", "tradit"}, {"reference", "refer"},
                {"colonizer", "colon"}, {"plotted", "plot"}, {"running", "run"}, {"generously", "gener"},
                {"ponies", "poni"}, {"happy", "happi"}};
        for (String[] example : examples) {
            assertThat(stemmer.stem(example[0])).as(example[0]).isEqualTo(example[1]);
        }
    }

    @Test
    void nltkExtensionsDepartFromThePaper() {
        // the paper gives ties -> ti, dying -> dy, dies -> di; NLTK's mode keeps four-letter "ies"/"ied" words and
        // maps irregular forms
        assertThat(stemmer.stem("ties")).isEqualTo("tie");
        assertThat(stemmer.stem("dying")).isEqualTo("die");
        assertThat(stemmer.stem("skies")).isEqualTo("sky");
        assertThat(stemmer.stem("news")).isEqualTo("news");
        // words of two characters or fewer are kept
        assertThat(stemmer.stem("is")).isEqualTo("is");
    }
}
