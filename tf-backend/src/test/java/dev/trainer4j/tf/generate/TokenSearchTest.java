package dev.trainer4j.tf.generate;

import dev.trainer4j.api.GenerationConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The host-side decoding strategies on fake logits (no TensorFlow). */
class TokenSearchTest {
    private static final int VOCAB = 6;
    private static final int EOS = 5;
    private static final int PAD = 0;

    private static GenerationConfig.Resolved config(Map<String, Object> settings) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(Map.of("eos-token-id", EOS, "pad-token-id", PAD));
        all.putAll(settings);
        return GenerationConfig.fromMap(all, "test").resolve(VOCAB, "test");
    }

    private static float[] logProbabilities(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    /**
     * The constructed case. Step 1 (after the start token 9): token 1 with p 0.6, token 2 with p 0.4. After 1 the next
     * token is uncertain: 3 and 4 with p 0.3 each, 1 and 2 with 0.2 each; after 2 the next token is 3 with p 0.96.
     * After two tokens eos follows with p 0.999. Greedy takes 1 then 3: log 0.6 + log 0.3 = -1.715; beam search with two
     * beams keeps 2 and finds 2, 3: log 0.4 + log 0.96 = -0.957, higher.
     */
    private static final Function<List<Integer>, float[]> CONSTRUCTED = sequence -> {
        int generated = sequence.size() - 1;
        if (generated == 0) {
            return logProbabilities(1e-4, 0.6, 0.4 - 4e-4, 1e-4, 1e-4, 1e-4);
        }
        if (generated == 1 && sequence.get(1) == 1) {
            return logProbabilities(1e-4, 0.2, 0.2, 0.3, 0.3 - 2e-4, 1e-4);
        }
        if (generated == 1) {
            return logProbabilities(1e-4, 1e-4, 1e-4, 0.96, 0.04 - 4e-4, 1e-4);
        }
        return logProbabilities(1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 0.999 - 5e-4 + 1e-4);
    };

    private static double sequenceLogProbability(List<Integer> start, int[] generated) {
        List<Integer> sequence = new ArrayList<>(start);
        double total = 0;
        for (int token : generated) {
            total += CONSTRUCTED.apply(sequence)[token];
            sequence.add(token);
        }
        return total;
    }

    @Test
    void beamSearchFindsAHigherScoringSequenceThanGreedyOnTheConstructedCase() {
        List<int[]> histories = List.of(new int[] {9});
        int[][] greedy = new TokenSearch(config(Map.of()), 0)
                .generate(histories, 5, copies -> new FunctionDecoderSession(histories, copies, CONSTRUCTED));
        int[][] beam = new TokenSearch(config(Map.of("num-beams", 2)), 0)
                .generate(histories, 5, copies -> new FunctionDecoderSession(histories, copies, CONSTRUCTED));
        assertThat(greedy[0]).containsExactly(1, 3, EOS);
        assertThat(beam[0]).containsExactly(2, 3, EOS);
        assertThat(sequenceLogProbability(List.of(9), beam[0]))
                .isGreaterThan(sequenceLogProbability(List.of(9), greedy[0]));
    }

    @Test
    void beamSearchWithOneBeamIsGreedyOnEveryRow() {
        // a deterministic but irregular model: logits from a hash of the sequence, eos likely after 3 tokens
        Function<List<Integer>, float[]> model = sequence -> {
            float[] logits = new float[VOCAB];
            long hash = sequence.hashCode() * 0x9E3779B97F4A7C15L;
            for (int token = 0; token < VOCAB; token++) {
                hash = hash * 6364136223846793005L + 1442695040888963407L;
                logits[token] = (hash >>> 40) / (float) (1 << 24) * 4;
            }
            if (sequence.size() > 3) {
                logits[EOS] += 2;
            }
            return logits;
        };
        List<int[]> histories = List.of(new int[] {1}, new int[] {2, 3}, new int[] {4}, new int[] {3, 3, 1});
        GenerationConfig.Resolved oneBeam = config(Map.of("num-beams", 1));
        TokenSearch search = new TokenSearch(oneBeam, 0);
        int[][] greedy = search.greedyOrSample(histories, 8, new FunctionDecoderSession(histories, 1, model));
        int[][] beam = search.beamSearch(histories, 8, new FunctionDecoderSession(histories, 1, model));
        assertThat(beam).isDeepEqualTo(greedy);
        assertThat(java.util.Arrays.stream(greedy).filter(row -> row[row.length - 1] == EOS).count()).isPositive();
    }

    @Test
    void rowsStopOnTheirOwnAndTheSearchStopsWhenAllHaveEnded() {
        // row 0 ends at once (eos most likely), row 1 never emits eos
        Function<List<Integer>, float[]> model = sequence -> sequence.get(0) == 1
                ? logProbabilities(0.1, 0.1, 0.1, 0.1, 0.1, 0.5) : logProbabilities(0.1, 0.1, 0.5, 0.1, 0.1, 0.1);
        List<int[]> histories = List.of(new int[] {1}, new int[] {2});
        FunctionDecoderSession session = new FunctionDecoderSession(histories, 1, model);
        int[][] generated = new TokenSearch(config(Map.of()), 0).generate(histories, 4, copies -> session);
        assertThat(generated[0]).containsExactly(EOS);
        assertThat(generated[1]).containsExactly(2, 2, 2, 2);
        assertThat(session.advances).isEqualTo(3);

        Function<List<Integer>, float[]> bothEnd = sequence -> logProbabilities(0.1, 0.1, 0.1, 0.1, 0.1, 0.5);
        FunctionDecoderSession ending = new FunctionDecoderSession(histories, 1, bothEnd);
        new TokenSearch(config(Map.of()), 0).generate(histories, 4, copies -> ending);
        assertThat(ending.advances).isZero();
    }

    @Test
    void samplingIsReproducibleFromTheSeedAndDependsOnIt() {
        Function<List<Integer>, float[]> flat = sequence -> new float[] {0, 0, 0, 0, 0, -50};
        List<int[]> histories = new ArrayList<>();
        for (int row = 0; row < 8; row++) {
            histories.add(new int[] {row % 5});
        }
        GenerationConfig.Resolved sampling = config(Map.of("do-sample", true));
        int[][] first = new TokenSearch(sampling, 42).generate(histories, 6,
                copies -> new FunctionDecoderSession(histories, copies, flat));
        int[][] again = new TokenSearch(sampling, 42).generate(histories, 6,
                copies -> new FunctionDecoderSession(histories, copies, flat));
        int[][] other = new TokenSearch(sampling, 43).generate(histories, 6,
                copies -> new FunctionDecoderSession(histories, copies, flat));
        assertThat(again).isDeepEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        // 48 draws from a (nearly) uniform choice of 5 tokens use more than one token
        assertThat(java.util.Arrays.stream(first).flatMapToInt(java.util.Arrays::stream).distinct().count())
                .isGreaterThan(1);
    }

    @Test
    void topKOfOneAndATinyTopPSampleTheMostLikelyToken() {
        Function<List<Integer>, float[]> model = sequence -> new float[] {0.1f, 0.3f, 1.0f + sequence.size() % 2, 0.9f, 1.5f, -9f};
        List<int[]> histories = List.of(new int[] {1}, new int[] {2, 2});
        int[][] greedy = new TokenSearch(config(Map.of()), 0).generate(histories, 5,
                copies -> new FunctionDecoderSession(histories, copies, model));
        for (Map<String, Object> settings : List.<Map<String, Object>>of(Map.of("do-sample", true, "top-k", 1),
                Map.of("do-sample", true, "top-k", 0, "top-p", 0.01))) {
            int[][] sampled = new TokenSearch(config(settings), 7).generate(histories, 5,
                    copies -> new FunctionDecoderSession(histories, copies, model));
            assertThat(sampled).as("%s", settings).isDeepEqualTo(greedy);
        }
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        // HF's RepetitionPenaltyLogitsProcessor with penalty 2 and the sequence [0, 1, 1]:
        // token 0: 2 -> 2 / 2 = 1; token 1: -2 -> -2 * 2 = -4 (once, although it occurs twice); others unchanged
        float[] scores = {2f, -2f, 1f, 0.5f, -1f, 3f};
        new TokenSearch(config(Map.of("repetition-penalty", 2.0)), 0).process(scores, List.of(0, 1, 1));
        assertThat(scores).containsExactly(1f, -4f, 1f, 0.5f, -1f, 3f);
    }

    @Test
    void noRepeatNgramBansTheTokenThatWouldRepeatAnNgram() {
        // n = 2, sequence [3, 4, 3]: the bigram (3, 4) occurred, the last token is 3, so 4 is banned; n = 3,
        // sequence [1, 2, 3, 1, 2]: the trigram (1, 2, 3) occurred and the last two are (1, 2), so 3 is banned
        float[] bigram = {0, 0, 0, 0, 0, 0};
        new TokenSearch(config(Map.of("no-repeat-ngram-size", 2)), 0).process(bigram, List.of(3, 4, 3));
        assertThat(bigram).containsExactly(0, 0, 0, 0, Float.NEGATIVE_INFINITY, 0);
        float[] trigram = {0, 0, 0, 0, 0, 0};
        new TokenSearch(config(Map.of("no-repeat-ngram-size", 3)), 0).process(trigram, List.of(1, 2, 3, 1, 2));
        assertThat(trigram).containsExactly(0, 0, 0, Float.NEGATIVE_INFINITY, 0, 0);
    }

    @Test
    void lengthPenaltyDecidesBetweenAShortAndALongFinishedHypothesis() {
        // after the start token: eos at once with p 0.5 (score log 0.5 / 1^lp = -0.693), or token 1 (p 0.5) then
        // eos (p 0.9): sum log p = log 0.5 + log 0.9 = -0.799 over 2 tokens. With lp 1: -0.400 > -0.693, the long
        // one wins; with lp 0 (no normalisation): -0.693 > -0.799, the short one wins.
        Function<List<Integer>, float[]> model = sequence -> sequence.size() == 1
                ? logProbabilities(1e-6, 0.5 - 5e-6, 1e-6, 1e-6, 1e-6, 0.5)
                : logProbabilities(0.02, 0.02, 0.02, 0.02, 0.02, 0.9);
        List<int[]> histories = List.of(new int[] {3});
        int[][] normalised = new TokenSearch(config(Map.of("num-beams", 2, "length-penalty", 1.0)), 0)
                .generate(histories, 4, copies -> new FunctionDecoderSession(histories, copies, model));
        int[][] raw = new TokenSearch(config(Map.of("num-beams", 2, "length-penalty", 0.0)), 0)
                .generate(histories, 4, copies -> new FunctionDecoderSession(histories, copies, model));
        assertThat(normalised[0]).containsExactly(1, EOS);
        assertThat(raw[0]).containsExactly(EOS);
    }
}
