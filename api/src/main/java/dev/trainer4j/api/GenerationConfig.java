package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * How to generate, HF's {@code GenerationConfig}: every setting is optional here ({@code null}: not set at this
 * level) and the levels are layered with {@link #overriddenBy} in HF's precedence: the library defaults
 * ({@code trainer4j.generation} in the api's {@code reference.conf}) &lt; the model's generation config &lt; the run's
 * {@code args.generation-config} &lt; {@code args.generation-max-length} / {@code generation-num-beams} &lt; the
 * arguments of one call. {@link #resolve} gives the final values.
 *
 * <p>Keys are kebab-case ({@code max-new-tokens}); HF's snake_case names ({@code max_new_tokens}, as in a
 * {@code generation_config.json}) are accepted. Each value is checked when read; an error names the key.
 *
 * @param maxNewTokens {@code max-new-tokens}: tokens to generate at most; when set it wins over max-length
 * @param maxLength {@code max-length}: the longest output: prompt plus new tokens (decoder-only), or the decoder
 *     sequence with its start token (encoder-decoder)
 * @param numBeams {@code num-beams}: 1 is greedy or sampling, more is beam search
 * @param lengthPenalty {@code length-penalty}: a finished beam scores {@code sum log p / length^length-penalty}
 * @param earlyStopping {@code early-stopping}: beam search stops an input when num-beams hypotheses are finished
 *     (true), or when no running beam can beat the worst finished one any more (false, HF's heuristic)
 * @param noRepeatNgramSize {@code no-repeat-ngram-size}: n > 0 forbids any n-gram to occur twice
 * @param doSample {@code do-sample}: sample instead of taking the most likely token
 * @param temperature {@code temperature}: divides the logits before sampling, > 0
 * @param topK {@code top-k}: sample among the k most likely tokens (0: all)
 * @param topP {@code top-p}: sample among the most likely tokens whose probabilities add up to top-p, in (0, 1]
 * @param repetitionPenalty {@code repetition-penalty}: HF's: logits of tokens already in the sequence are divided
 *     by it when positive and multiplied by it when negative, > 0 (1: off)
 * @param decoderStartTokenId {@code decoder-start-token-id}: the first decoder input of an encoder-decoder
 * @param eosTokenId {@code eos-token-id}: the token that ends a sequence (-1: none)
 * @param padTokenId {@code pad-token-id}: what finished sequences are padded with
 * @param bosTokenId {@code bos-token-id}: the beginning-of-sequence token (a decoder-only prompt may start with it)
 */
public record GenerationConfig(Integer maxNewTokens, Integer maxLength, Integer numBeams, Double lengthPenalty,
                               Boolean earlyStopping, Integer noRepeatNgramSize, Boolean doSample, Double temperature,
                               Integer topK, Double topP, Double repetitionPenalty, Integer decoderStartTokenId,
                               Integer eosTokenId, Integer padTokenId, Integer bosTokenId) {
    /** The config path of the library defaults. */
    public static final String CONFIG_PATH = "trainer4j.generation";

    public static final String MAX_NEW_TOKENS = "max-new-tokens";
    public static final String MAX_LENGTH = "max-length";
    public static final String NUM_BEAMS = "num-beams";
    public static final String LENGTH_PENALTY = "length-penalty";
    public static final String EARLY_STOPPING = "early-stopping";
    public static final String NO_REPEAT_NGRAM_SIZE = "no-repeat-ngram-size";
    public static final String DO_SAMPLE = "do-sample";
    public static final String TEMPERATURE = "temperature";
    public static final String TOP_K = "top-k";
    public static final String TOP_P = "top-p";
    public static final String REPETITION_PENALTY = "repetition-penalty";
    public static final String DECODER_START_TOKEN_ID = "decoder-start-token-id";
    public static final String EOS_TOKEN_ID = "eos-token-id";
    public static final String PAD_TOKEN_ID = "pad-token-id";
    public static final String BOS_TOKEN_ID = "bos-token-id";

    /** Every key, in declaration order. */
    public static final List<String> KEYS = List.of(MAX_NEW_TOKENS, MAX_LENGTH, NUM_BEAMS, LENGTH_PENALTY,
            EARLY_STOPPING, NO_REPEAT_NGRAM_SIZE, DO_SAMPLE, TEMPERATURE, TOP_K, TOP_P, REPETITION_PENALTY,
            DECODER_START_TOKEN_ID, EOS_TOKEN_ID, PAD_TOKEN_ID, BOS_TOKEN_ID);

    /** Checks each set value on its own; errors name the bare key ({@link #fromMap} names it under its block). */
    public GenerationConfig {
        checkValues(maxNewTokens, maxLength, numBeams, lengthPenalty, noRepeatNgramSize, temperature, topK, topP,
                repetitionPenalty, List.of(pick(decoderStartTokenId, 0), pick(eosTokenId, 0), pick(padTokenId, 0),
                        pick(bosTokenId, 0)));
    }

    /** Nothing set. */
    public static GenerationConfig empty() {
        return new GenerationConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** The library defaults: {@code trainer4j.generation} of every {@code reference.conf}. */
    public static GenerationConfig defaults() {
        return fromMap(ConfigFactory.defaultReference().getConfig(CONFIG_PATH).root().unwrapped(), CONFIG_PATH);
    }

    /** Reads a config block ({@code null} values are unset). */
    public static GenerationConfig fromConfig(Config block, String prefix) {
        return fromMap(requireNonNull(block, "block is null").root().unwrapped(), prefix);
    }

    /**
     * Reads a map of settings (kebab-case or snake_case keys; {@code null} values are unset).
     *
     * @param prefix the path of the block for messages, e.g. {@code args.generation-config}
     * @throws ConfigurationException naming {@code prefix.key} for an unknown key or a value not allowed
     */
    public static GenerationConfig fromMap(Map<String, ?> settings, String prefix) {
        requireNonNull(settings, "settings is null");
        requireNonNull(prefix, "prefix is null");
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : settings.entrySet()) {
            String key = entry.getKey().replace('_', '-').toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new ConfigurationException(path(prefix, entry.getKey()), path(prefix, entry.getKey())
                        + ": unknown generation setting; expected one of " + KEYS);
            }
            if (values.containsKey(key)) {
                throw new ConfigurationException(path(prefix, key), path(prefix, key) + " is given twice (as "
                        + entry.getKey() + " and another spelling)");
            }
            values.put(key, entry.getValue());
        }
        GenerationConfig config;
        try {
            config = new GenerationConfig(
                    integer(values, MAX_NEW_TOKENS, prefix), integer(values, MAX_LENGTH, prefix),
                    integer(values, NUM_BEAMS, prefix), number(values, LENGTH_PENALTY, prefix),
                    bool(values, EARLY_STOPPING, prefix), integer(values, NO_REPEAT_NGRAM_SIZE, prefix),
                    bool(values, DO_SAMPLE, prefix), number(values, TEMPERATURE, prefix),
                    integer(values, TOP_K, prefix), number(values, TOP_P, prefix),
                    number(values, REPETITION_PENALTY, prefix), integer(values, DECODER_START_TOKEN_ID, prefix),
                    integer(values, EOS_TOKEN_ID, prefix), integer(values, PAD_TOKEN_ID, prefix),
                    integer(values, BOS_TOKEN_ID, prefix));
        }
        catch (ConfigurationException e) {
            // the canonical constructor names the bare key; name it under its block
            throw prefixed(e, prefix);
        }
        return config;
    }

    /** This config with every setting that {@code higher} sets taken from {@code higher}. */
    public GenerationConfig overriddenBy(GenerationConfig higher) {
        requireNonNull(higher, "higher is null");
        return new GenerationConfig(
                pick(higher.maxNewTokens, maxNewTokens), pick(higher.maxLength, maxLength),
                pick(higher.numBeams, numBeams), pick(higher.lengthPenalty, lengthPenalty),
                pick(higher.earlyStopping, earlyStopping), pick(higher.noRepeatNgramSize, noRepeatNgramSize),
                pick(higher.doSample, doSample), pick(higher.temperature, temperature), pick(higher.topK, topK),
                pick(higher.topP, topP), pick(higher.repetitionPenalty, repetitionPenalty),
                pick(higher.decoderStartTokenId, decoderStartTokenId), pick(higher.eosTokenId, eosTokenId),
                pick(higher.padTokenId, padTokenId), pick(higher.bosTokenId, bosTokenId));
    }

    /** The settings that are set, under their kebab-case keys, in declaration order. */
    public Map<String, Object> toMap() {
        Object[] all = {maxNewTokens, maxLength, numBeams, lengthPenalty, earlyStopping, noRepeatNgramSize, doSample,
            temperature, topK, topP, repetitionPenalty, decoderStartTokenId, eosTokenId, padTokenId, bosTokenId};
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < all.length; i++) {
            if (all[i] != null) {
                map.put(KEYS.get(i), all[i]);
            }
        }
        return map;
    }

    /** A copy with {@code key} set to {@code value} ({@code null} unsets). */
    public GenerationConfig with(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>(toMap());
        map.remove(key);
        if (value != null) {
            map.put(key, value);
        }
        return fromMap(map, "");
    }

    /**
     * The final settings: the library defaults overridden by this config; every value set.
     *
     * @param vocabularySize the model's number of token ids; the token ids must be below it
     * @param prefix the path named by errors about token ids, e.g. {@code generation-config}
     * @throws ConfigurationException when a token id is outside the vocabulary or a needed id is unset
     */
    public Resolved resolve(int vocabularySize, String prefix) {
        GenerationConfig all = defaults().overriddenBy(this);
        for (String key : List.of(DECODER_START_TOKEN_ID, EOS_TOKEN_ID, PAD_TOKEN_ID, BOS_TOKEN_ID)) {
            Object id = all.toMap().get(key);
            if (id != null && (Integer) id >= vocabularySize) {
                throw new ConfigurationException(path(prefix, key), id,
                        "a token id in [0, " + vocabularySize + ") (the model's vocabulary), or -1 for none");
            }
        }
        int eos = all.eosTokenId == null ? -1 : all.eosTokenId;
        int pad = all.padTokenId != null && all.padTokenId >= 0 ? all.padTokenId : Math.max(eos, 0);
        int bos = all.bosTokenId == null ? -1 : all.bosTokenId;
        int start = all.decoderStartTokenId != null && all.decoderStartTokenId >= 0 ? all.decoderStartTokenId
                : bos >= 0 ? bos : pad;
        return new Resolved(all.maxNewTokens == null ? -1 : all.maxNewTokens, all.maxLength, all.numBeams,
                all.lengthPenalty, all.earlyStopping, all.noRepeatNgramSize, all.doSample, all.temperature, all.topK,
                all.topP, all.repetitionPenalty, start, eos, pad, bos);
    }

    /**
     * Every generation setting with a value (see the components of {@link GenerationConfig}); token ids of -1 mean
     * none, {@code maxNewTokens} of -1 means: use {@code maxLength}.
     */
    public record Resolved(int maxNewTokens, int maxLength, int numBeams, double lengthPenalty, boolean earlyStopping,
                           int noRepeatNgramSize, boolean doSample, double temperature, int topK, double topP,
                           double repetitionPenalty, int decoderStartTokenId, int eosTokenId, int padTokenId,
                           int bosTokenId) {

        /**
         * How many tokens to generate after a prompt of {@code promptLength} tokens (decoder-only) or after the
         * decoder start token ({@code promptLength} 1, encoder-decoder): max-new-tokens when set, else
         * max-length minus the prompt.
         *
         * @param maxLengthKey the key named when max-length does not exceed the prompt
         * @throws ConfigurationException when max-length leaves no room for a new token
         */
        public int newTokens(int promptLength, String maxLengthKey) {
            if (maxNewTokens > 0) {
                return maxNewTokens;
            }
            if (maxLength <= promptLength) {
                throw new ConfigurationException(maxLengthKey, maxLength, "a length above the prompt's "
                        + promptLength + " tokens (max-length counts the prompt), or set max-new-tokens");
            }
            return maxLength - promptLength;
        }
    }

    private static void checkValues(Integer maxNewTokens, Integer maxLength, Integer numBeams, Double lengthPenalty,
            Integer noRepeatNgramSize, Double temperature, Integer topK, Double topP, Double repetitionPenalty,
            List<Integer> tokenIds) {
        atLeast(MAX_NEW_TOKENS, maxNewTokens, 1);
        atLeast(MAX_LENGTH, maxLength, 1);
        atLeast(NUM_BEAMS, numBeams, 1);
        if (lengthPenalty != null && !Double.isFinite(lengthPenalty)) {
            throw new ConfigurationException(LENGTH_PENALTY, lengthPenalty, "a finite number");
        }
        atLeast(NO_REPEAT_NGRAM_SIZE, noRepeatNgramSize, 0);
        if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
            throw new ConfigurationException(TEMPERATURE, temperature, "a number > 0");
        }
        atLeast(TOP_K, topK, 0);
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new ConfigurationException(TOP_P, topP, "a number in (0, 1]");
        }
        if (repetitionPenalty != null && !(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty))) {
            throw new ConfigurationException(REPETITION_PENALTY, repetitionPenalty, "a number > 0 (1: no penalty)");
        }
        List<String> idKeys = List.of(DECODER_START_TOKEN_ID, EOS_TOKEN_ID, PAD_TOKEN_ID, BOS_TOKEN_ID);
        for (int i = 0; i < idKeys.size(); i++) {
            if (tokenIds.get(i) < -1) {
                throw new ConfigurationException(idKeys.get(i), tokenIds.get(i), "a token id >= 0, or -1 for none");
            }
        }
    }

    private static void atLeast(String key, Integer value, int minimum) {
        if (value != null && value < minimum) {
            throw new ConfigurationException(key, value, "an integer >= " + minimum);
        }
    }

    private static ConfigurationException prefixed(ConfigurationException e, String prefix) {
        if (prefix.isEmpty()) {
            return e;
        }
        String key = path(prefix, e.key());
        String message = e.getMessage().startsWith(e.key() + ":")
                ? key + e.getMessage().substring(e.key().length()) : key + ": " + e.getMessage();
        return new ConfigurationException(key, message);
    }

    private static String path(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private static <T> T pick(T higher, T lower) {
        return higher != null ? higher : lower;
    }

    private static Integer integer(Map<String, Object> values, String key, String prefix) {
        return typed(values, key, prefix, "an integer", value -> value instanceof Number number
                && number.doubleValue() == Math.rint(number.doubleValue())
                && Math.abs(number.doubleValue()) <= Integer.MAX_VALUE ? number.intValue() : null);
    }

    private static Double number(Map<String, Object> values, String key, String prefix) {
        return typed(values, key, prefix, "a number",
                value -> value instanceof Number number ? number.doubleValue() : null);
    }

    private static Boolean bool(Map<String, Object> values, String key, String prefix) {
        return typed(values, key, prefix, "true or false", value -> value instanceof Boolean flag ? flag : null);
    }

    private static <T> T typed(Map<String, Object> values, String key, String prefix, String expected,
            Function<Object, T> convert) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        T converted = convert.apply(value);
        if (converted == null) {
            throw new ConfigurationException(path(prefix, key), value, expected);
        }
        return converted;
    }
}
