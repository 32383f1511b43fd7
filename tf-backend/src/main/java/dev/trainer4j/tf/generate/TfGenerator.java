package dev.trainer4j.tf.generate;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;
import org.tensorflow.Session;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Generates for a batch of token-id rows with a {@link TfGenerationGraph}: prepares each model kind's first decoder
 * input (a decoder-only model's prompt, its padding moved to the left; an encoder-decoder's start token, the encoder
 * run once per batch on the rows repeated per beam) and lets {@link TokenSearch} pick the tokens.
 */
public final class TfGenerator {
    /** The key named when max-length leaves no room after the prompt. */
    public static final String MAX_LENGTH_KEY = "generation-config." + GenerationConfig.MAX_LENGTH;

    private final Session session;
    private final TfGenerationGraph graph;

    public TfGenerator(Session session, TfGenerationGraph graph) {
        this.session = requireNonNull(session, "session is null");
        this.graph = requireNonNull(graph, "graph is null");
    }

    /**
     * Generates for every row of {@code inputIds} (with {@code attentionMask}: 1 for tokens, 0 for padding on
     * either side).
     *
     * @param cached false runs the uncached baseline (the whole prefix per new token)
     * @return per row the generated tokens, ending with eos when one was generated (no prompt, no start token)
     */
    public List<int[]> generate(int[][] inputIds, int[][] attentionMask, GenerationConfig.Resolved config, long seed,
            boolean cached) {
        requireNonNull(inputIds, "inputIds is null");
        requireNonNull(attentionMask, "attentionMask is null");
        requireNonNull(config, "config is null");
        TfGenerativeModel model = graph.model();
        int rows = inputIds.length;
        List<int[]> histories = new ArrayList<>();
        int[][] initialTokens;
        int[][] initialMask;
        int promptLength;
        if (model.encoderDecoder()) {
            initialTokens = new int[rows][];
            initialMask = new int[rows][];
            for (int row = 0; row < rows; row++) {
                initialTokens[row] = new int[] {config.decoderStartTokenId()};
                initialMask[row] = new int[] {1};
                histories.add(initialTokens[row]);
            }
            promptLength = 1;
        } else {
            promptLength = 0;
            for (int row = 0; row < rows; row++) {
                int[] prompt = realTokens(inputIds[row], attentionMask[row]);
                if (prompt.length == 0) {
                    throw new IllegalArgumentException("row " + row + " has an empty prompt; a decoder-only model"
                            + " needs at least one token (e.g. the bos token) to continue");
                }
                histories.add(prompt);
                promptLength = Math.max(promptLength, prompt.length);
            }
            initialTokens = new int[rows][promptLength];
            initialMask = new int[rows][promptLength];
            for (int row = 0; row < rows; row++) {
                int[] prompt = histories.get(row);
                int offset = promptLength - prompt.length;
                for (int t = 0; t < offset; t++) {
                    initialTokens[row][t] = config.padTokenId();
                }
                System.arraycopy(prompt, 0, initialTokens[row], offset, prompt.length);
                for (int t = offset; t < promptLength; t++) {
                    initialMask[row][t] = 1;
                }
            }
        }
        int newTokens = config.newTokens(promptLength, MAX_LENGTH_KEY);
        if (promptLength + newTokens > model.maxPositions()) {
            String key = config.maxNewTokens() > 0 ? "generation-config.max-new-tokens" : MAX_LENGTH_KEY;
            throw new ConfigurationException(key, key + ": " + promptLength + " prompt tokens + " + newTokens + " new tokens exceed the "
                    + model.maxPositions() + " positions of model '" + model.name()
                    + "' (max-position); generate fewer tokens or train a model with more positions");
        }
        TokenSearch search = new TokenSearch(config, seed);
        return List.of(search.generate(histories, newTokens, copies -> new TfDecoderSession(session, graph,
                repeat(initialTokens, copies), repeat(initialMask, copies),
                model.encoderDecoder() ? repeat(inputIds, copies) : null,
                model.encoderDecoder() ? repeat(attentionMask, copies) : null, cached)));
    }

    private static int[] realTokens(int[] ids, int[] mask) {
        int count = 0;
        for (int value : mask) {
            count += value != 0 ? 1 : 0;
        }
        int[] tokens = new int[count];
        int next = 0;
        for (int t = 0; t < ids.length; t++) {
            if (mask[t] != 0) {
                tokens[next++] = ids[t];
            }
        }
        return tokens;
    }

    /** Each row {@code copies} times in a row: row {@code input * copies + copy}. */
    private static int[][] repeat(int[][] rows, int copies) {
        int[][] repeated = new int[rows.length * copies][];
        for (int row = 0; row < rows.length; row++) {
            for (int copy = 0; copy < copies; copy++) {
                repeated[row * copies + copy] = rows[row];
            }
        }
        return repeated;
    }
}
