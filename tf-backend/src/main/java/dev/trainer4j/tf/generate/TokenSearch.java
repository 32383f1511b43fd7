package dev.trainer4j.tf.generate;

import dev.trainer4j.api.GenerationConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * Picks the generated tokens on the host, HF's decoding strategies over a {@link DecoderSession}:
 * <ul>
 *   <li>greedy: the most likely token (num-beams 1, do-sample false);</li>
 *   <li>sampling: temperature, then top-k, then top-p (nucleus) on the logits, then a draw from the softmax with a
 *       {@link SplittableRandom} seeded from the given seed, so the same seed gives the same tokens;</li>
 *   <li>beam search: num-beams beams per input, scored by the sum of log-probabilities; a beam that emits eos is a
 *       finished hypothesis scored {@code sum log p / length^length-penalty} (length: the generated tokens, eos
 *       included); an input stops when num-beams hypotheses are finished (early-stopping true) or when the best
 *       running beam cannot beat the worst of them any more (false); at the end the running beams are hypotheses too
 *       and the best-scoring hypothesis is returned.</li>
 * </ul>
 * Before picking, HF's logits processors run in HF's order: repetition-penalty (a token already in the row's
 * sequence has its logit divided by the penalty when positive, multiplied when negative), then
 * no-repeat-ngram-size (a token that would repeat an n-gram of the sequence gets -infinity). Beam search applies
 * them to the log-probabilities, as HF does. A row whose sequence has ended is fed the pad id until every row ends.
 */
public final class TokenSearch {
    private static final float BANNED = Float.NEGATIVE_INFINITY;
    /** The score of the duplicate initial beams, so the first step expands only beam 0 (HF: -1e9). */
    private static final double DUPLICATE_BEAM = -1e9;

    private final GenerationConfig.Resolved config;
    private final long seed;

    /** @param seed the seed of sampling (unused by greedy and beam search) */
    public TokenSearch(GenerationConfig.Resolved config, long seed) {
        this.config = requireNonNull(config, "config is null");
        this.seed = seed;
    }

    /**
     * Generates for a batch of inputs.
     *
     * @param histories per input, the tokens that precede the new ones (a decoder-only prompt; an encoder-decoder's
     *        start token): repetition-penalty and no-repeat-ngram-size look at them
     * @param newTokens the most tokens to generate per input
     * @param sessions opens the session for the batch given the number of rows per input (1, or num-beams): row
     *        {@code input * copies + copy}, every copy of an input starting from the same state
     * @return per input, the generated tokens (ending with eos when one was generated; not padded)
     */
    public int[][] generate(List<int[]> histories, int newTokens, IntFunction<DecoderSession> sessions) {
        requireNonNull(histories, "histories is null");
        requireNonNull(sessions, "sessions is null");
        if (newTokens < 1) {
            throw new IllegalArgumentException("newTokens must be >= 1, got " + newTokens);
        }
        if (config.numBeams() > 1) {
            try (DecoderSession session = sessions.apply(config.numBeams())) {
                return beamSearch(histories, newTokens, session);
            }
        }
        try (DecoderSession session = sessions.apply(1)) {
            return greedyOrSample(histories, newTokens, session);
        }
    }

    /** Greedy decoding or sampling with one row per input (package-private for tests). */
    int[][] greedyOrSample(List<int[]> histories, int newTokens, DecoderSession session) {
        int rows = histories.size();
        checkRows(session, rows);
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> sequences = startSequences(histories, 1);
        int[] generated = new int[rows];
        boolean[] finished = new boolean[rows];
        int[] identity = identity(rows);
        for (int step = 0; step < newTokens; step++) {
            float[][] logits = session.logits();
            int[] tokens = new int[rows];
            for (int row = 0; row < rows; row++) {
                if (finished[row]) {
                    tokens[row] = config.padTokenId();
                    continue;
                }
                float[] scores = logits[row].clone();
                process(scores, sequences.get(row));
                tokens[row] = config.doSample() ? sample(scores, random) : argmax(scores);
                sequences.get(row).add(tokens[row]);
                generated[row]++;
                finished[row] = tokens[row] == config.eosTokenId();
            }
            if (step + 1 == newTokens || allTrue(finished)) {
                break;
            }
            session.advance(identity, tokens);
        }
        int[][] result = new int[rows][];
        for (int row = 0; row < rows; row++) {
            List<Integer> sequence = sequences.get(row);
            result[row] = toArray(sequence.subList(sequence.size() - generated[row], sequence.size()));
        }
        return result;
    }

    /** Beam search with num-beams rows per input, also with one beam (package-private for tests). */
    int[][] beamSearch(List<int[]> histories, int newTokens, DecoderSession session) {
        int inputs = histories.size();
        int beams = config.numBeams();
        checkRows(session, inputs * beams);
        List<List<Integer>> sequences = startSequences(histories, beams);
        double[] beamScores = new double[inputs * beams];
        for (int row = 0; row < beamScores.length; row++) {
            beamScores[row] = row % beams == 0 ? 0 : DUPLICATE_BEAM;
        }
        List<Hypotheses> finished = new ArrayList<>();
        for (int input = 0; input < inputs; input++) {
            finished.add(new Hypotheses(beams));
        }
        boolean[] done = new boolean[inputs];
        int generated = 0;
        for (int step = 0; step < newTokens; step++) {
            float[][] logits = session.logits();
            generated++;
            int[] sources = new int[inputs * beams];
            int[] tokens = new int[inputs * beams];
            double[] nextScores = new double[inputs * beams];
            for (int input = 0; input < inputs; input++) {
                if (done[input]) {
                    for (int beam = 0; beam < beams; beam++) {
                        int row = input * beams + beam;
                        sources[row] = row;
                        tokens[row] = config.padTokenId();
                    }
                    continue;
                }
                List<Candidate> candidates = topCandidates(logits, sequences, beamScores, input, beams);
                int next = 0;
                for (int rank = 0; rank < candidates.size() && next < beams; rank++) {
                    Candidate candidate = candidates.get(rank);
                    if (candidate.token == config.eosTokenId()) {
                        if (rank < beams) {
                            List<Integer> hypothesis = new ArrayList<>(sequences.get(candidate.row)
                                    .subList(histories.get(input).length, sequences.get(candidate.row).size()));
                            hypothesis.add(candidate.token);
                            finished.get(input).add(hypothesis, normalized(candidate.score, generated));
                        }
                        continue;
                    }
                    int row = input * beams + next;
                    sources[row] = candidate.row;
                    tokens[row] = candidate.token;
                    nextScores[row] = candidate.score;
                    next++;
                }
                for (; next < beams; next++) {
                    // fewer continuations than beams (a tiny vocabulary with banned tokens): dead copies
                    int row = input * beams + next;
                    sources[row] = input * beams;
                    tokens[row] = config.padTokenId();
                    nextScores[row] = DUPLICATE_BEAM;
                }
                done[input] = finished.get(input).isDone(nextScores[input * beams], generated);
            }
            List<List<Integer>> reordered = new ArrayList<>();
            for (int row = 0; row < sources.length; row++) {
                List<Integer> sequence = new ArrayList<>(sequences.get(sources[row]));
                sequence.add(tokens[row]);
                reordered.add(sequence);
            }
            sequences = reordered;
            beamScores = nextScores;
            if (step + 1 == newTokens || allTrue(done)) {
                break;
            }
            session.advance(sources, tokens);
        }
        int[][] result = new int[inputs][];
        for (int input = 0; input < inputs; input++) {
            Hypotheses hypotheses = finished.get(input);
            if (!done[input]) {
                for (int beam = 0; beam < beams; beam++) {
                    int row = input * beams + beam;
                    List<Integer> sequence = sequences.get(row);
                    hypotheses.add(new ArrayList<>(sequence.subList(histories.get(input).length, sequence.size())),
                            normalized(beamScores[row], generated));
                }
            }
            result[input] = toArray(hypotheses.best());
        }
        return result;
    }

    /**
     * The 2 × num-beams best (beam, token) continuations of one input: log-softmax of each beam's logits, processed,
     * plus the beam's score; best first (ties: lower row, then lower token, as a stable top-k).
     */
    private List<Candidate> topCandidates(float[][] logits, List<List<Integer>> sequences, double[] beamScores,
            int input, int beams) {
        List<Candidate> all = new ArrayList<>();
        for (int beam = 0; beam < beams; beam++) {
            int row = input * beams + beam;
            float[] scores = logSoftmax(logits[row]);
            process(scores, sequences.get(row));
            for (int token = 0; token < scores.length; token++) {
                if (scores[token] != BANNED) {
                    all.add(new Candidate(row, token, beamScores[row] + scores[token]));
                }
            }
        }
        all.sort(Comparator.comparingDouble((Candidate candidate) -> -candidate.score)
                .thenComparingInt(candidate -> candidate.row).thenComparingInt(candidate -> candidate.token));
        return all.subList(0, Math.min(all.size(), 2 * beams));
    }

    private double normalized(double sumLogProbabilities, int length) {
        return sumLogProbabilities / Math.pow(length, config.lengthPenalty());
    }

    /** HF's repetition penalty, then its no-repeat-ngram ban, on one row's scores. */
    void process(float[] scores, List<Integer> sequence) {
        if (config.repetitionPenalty() != 1) {
            float penalty = (float) config.repetitionPenalty();
            boolean[] seen = new boolean[scores.length];
            for (int token : sequence) {
                if (token >= 0 && token < scores.length && !seen[token]) {
                    seen[token] = true;
                    scores[token] = scores[token] < 0 ? scores[token] * penalty : scores[token] / penalty;
                }
            }
        }
        int n = config.noRepeatNgramSize();
        if (n > 0 && sequence.size() + 1 >= n) {
            // the last n-1 tokens followed by a token seen after the same n-1 tokens earlier would repeat an n-gram
            int prefixStart = sequence.size() - (n - 1);
            for (int start = 0; start + n <= sequence.size(); start++) {
                boolean same = true;
                for (int k = 0; k < n - 1 && same; k++) {
                    same = sequence.get(start + k).equals(sequence.get(prefixStart + k));
                }
                if (same) {
                    int banned = sequence.get(start + n - 1);
                    if (banned >= 0 && banned < scores.length) {
                        scores[banned] = BANNED;
                    }
                }
            }
        }
    }

    /** Temperature, top-k, top-p, then a draw from the softmax. */
    private int sample(float[] logits, SplittableRandom random) {
        int vocabulary = logits.length;
        double[] scaled = new double[vocabulary];
        for (int token = 0; token < vocabulary; token++) {
            scaled[token] = logits[token] / config.temperature();
        }
        Integer[] order = new Integer[vocabulary];
        for (int token = 0; token < vocabulary; token++) {
            order[token] = token;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer token) -> -scaled[token]).thenComparingInt(t -> t));
        int kept = config.topK() > 0 ? Math.min(config.topK(), vocabulary) : vocabulary;
        double max = scaled[order[0]];
        double[] probabilities = new double[kept];
        double total = 0;
        for (int rank = 0; rank < kept; rank++) {
            probabilities[rank] = Math.exp(scaled[order[rank]] - max);
            total += probabilities[rank];
        }
        if (config.topP() < 1) {
            // HF keeps the smallest set of most likely tokens whose probability reaches top-p (at least one)
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < kept) {
                cumulative += probabilities[nucleus] / total;
                nucleus++;
                if (cumulative >= config.topP()) {
                    break;
                }
            }
            kept = nucleus;
            total = 0;
            for (int rank = 0; rank < kept; rank++) {
                total += probabilities[rank];
            }
        }
        double draw = random.nextDouble() * total;
        for (int rank = 0; rank < kept; rank++) {
            draw -= probabilities[rank];
            if (draw < 0) {
                return order[rank];
            }
        }
        return order[kept - 1];
    }

    private static float[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double logSum = max + Math.log(sum);
        float[] result = new float[logits.length];
        for (int token = 0; token < logits.length; token++) {
            result[token] = (float) (logits[token] - logSum);
        }
        return result;
    }

    private static int argmax(float[] scores) {
        int best = 0;
        for (int token = 1; token < scores.length; token++) {
            if (scores[token] > scores[best]) {
                best = token;
            }
        }
        return best;
    }

    private static List<List<Integer>> startSequences(List<int[]> histories, int copies) {
        List<List<Integer>> sequences = new ArrayList<>();
        for (int[] history : histories) {
            for (int copy = 0; copy < copies; copy++) {
                List<Integer> sequence = new ArrayList<>();
                for (int token : history) {
                    sequence.add(token);
                }
                sequences.add(sequence);
            }
        }
        return sequences;
    }

    private static void checkRows(DecoderSession session, int expected) {
        if (session.rows() != expected) {
            throw new IllegalStateException("the decoder session has " + session.rows() + " rows, expected "
                    + expected);
        }
    }

    private static int[] identity(int rows) {
        int[] identity = new int[rows];
        for (int row = 0; row < rows; row++) {
            identity[row] = row;
        }
        return identity;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean flag : flags) {
            if (!flag) {
                return false;
            }
        }
        return true;
    }

    private static int[] toArray(List<Integer> tokens) {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private record Candidate(int row, int token, double score) {
    }

    /** The finished hypotheses of one input: at most num-beams, the best kept (HF's BeamHypotheses). */
    private final class Hypotheses {
        private final int beams;
        private final List<List<Integer>> sequences = new ArrayList<>();
        private final List<Double> scores = new ArrayList<>();

        Hypotheses(int beams) {
            this.beams = beams;
        }

        void add(List<Integer> sequence, double score) {
            if (sequences.size() < beams || score > worst()) {
                sequences.add(sequence);
                scores.add(score);
                if (sequences.size() > beams) {
                    int worst = 0;
                    for (int i = 1; i < scores.size(); i++) {
                        if (scores.get(i) < scores.get(worst)) {
                            worst = i;
                        }
                    }
                    sequences.remove(worst);
                    scores.remove(worst);
                }
            }
        }

        double worst() {
            return scores.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NEGATIVE_INFINITY);
        }

        /** HF's is_done: enough hypotheses, and (early-stopping false) no running beam can beat the worst. */
        boolean isDone(double bestRunningScore, int length) {
            if (sequences.size() < beams) {
                return false;
            }
            if (config.earlyStopping()) {
                return true;
            }
            return worst() >= normalized(bestRunningScore, length);
        }

        List<Integer> best() {
            int best = 0;
            for (int i = 1; i < scores.size(); i++) {
                if (scores.get(i) > scores.get(best)) {
                    best = i;
                }
            }
            return sequences.get(best);
        }
    }
}
