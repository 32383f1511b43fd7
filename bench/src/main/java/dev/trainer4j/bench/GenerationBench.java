package dev.trainer4j.bench;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.TransformerLm;
import dev.trainer4j.tf.models.TransformerLmSettings;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generation speed of the causal-lm sample's model (samples/causal-lm/run.conf: transformer-lm, hidden 128, 3 layers,
 * 4 heads, intermediate 384, 128 positions, tied embeddings; vocabulary: the distinct characters of the sample's
 * training sentences): greedy decoding of a batch of 16 prompts of 16 tokens, 64 new tokens each, with the key/value
 * cache (one decoder step over the new token per position, the past keys/values fed back) against the naive baseline
 * (the same trained graph run once per new token over the whole prefix). Both must produce the same tokens (checked).
 * Prints tokens/s of both and the ratio. The weights are random unless a checkpoint folder's {@code engine} directory
 * of a trained sample run is given (the speed does not depend on them: the sample's model has no end token, so every
 * row generates all 64 tokens). Usage: {@code [repetitions] [checkpoint-engine-dir]}, default {@code 5}.
 */
public final class GenerationBench {
    private static final int BATCH = 16;
    private static final int PROMPT = 16;
    private static final int NEW_TOKENS = 64;

    private GenerationBench() {
    }

    public static void main(String[] arguments) throws IOException {
        int repetitions = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 5;
        Path checkpoint = arguments.length > 1 ? Path.of(arguments[1]) : null;
        int vocabulary = sampleAlphabet(Path.of("samples/causal-lm/data/train.jsonl"));
        TransformerLm model = new TransformerLm(new TransformerLmSettings(vocabulary, 128, 3, 4, 384, 128, 0.1, 1e-5, true,
                GenerationConfig.empty()));
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").seed(42).build();
        Random random = new Random(7);
        int[] ids = new int[BATCH * PROMPT];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocabulary);
        }
        int[] mask = new int[BATCH * PROMPT];
        java.util.Arrays.fill(mask, 1);
        Batch batch = new Batch(Map.of("input_ids", HostTensor.ofInts(ids, BATCH, PROMPT),
                "attention_mask", HostTensor.ofInts(mask, BATCH, PROMPT)));
        GenerationConfig greedy = GenerationConfig.empty().with(GenerationConfig.MAX_NEW_TOKENS, NEW_TOKENS);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, new EngineOptions(List.of(), -1))) {
            if (checkpoint != null) {
                engine.restore(checkpoint, CheckpointScope.MODEL);
            }
            // warm-up: first kernels of both paths; also the check that both give the same tokens
            List<int[]> cachedTokens = engine.generate(batch, greedy, 0, true);
            List<int[]> naiveTokens = engine.generate(batch, greedy, 0, false);
            for (int row = 0; row < BATCH; row++) {
                if (!java.util.Arrays.equals(cachedTokens.get(row), naiveTokens.get(row))) {
                    throw new IllegalStateException("row " + row + ": cached and naive decoding differ");
                }
                if (cachedTokens.get(row).length != NEW_TOKENS) {
                    throw new IllegalStateException("row " + row + " generated " + cachedTokens.get(row).length + " tokens");
                }
            }
            double cached = tokensPerSecond(engine, batch, greedy, true, repetitions);
            double naive = tokensPerSecond(engine, batch, greedy, false, repetitions);
            double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(Locale.ROOT, "generation, causal-lm sample model (vocabulary %d), greedy, batch %d,"
                    + " prompt %d, %d new tokens, %d repetitions%n", vocabulary, BATCH, PROMPT, NEW_TOKENS, repetitions);
            System.out.printf(Locale.ROOT, "cached (fed-back key/value cache): %.0f tokens/s%n", cached);
            System.out.printf(Locale.ROOT, "naive (whole prefix per token):    %.0f tokens/s%n", naive);
            System.out.printf(Locale.ROOT, "ratio: %.2fx (load average %.2f before, %.2f after)%n", cached / naive,
                    loadBefore, loadAfter);
        }
    }

    private static double tokensPerSecond(TfTrainingEngine engine, Batch batch, GenerationConfig config, boolean cached,
            int repetitions) {
        long start = System.nanoTime();
        for (int i = 0; i < repetitions; i++) {
            engine.generate(batch, config, 0, cached);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return (double) BATCH * NEW_TOKENS * repetitions / seconds;
    }

    /** The number of distinct characters of the sample's training sentences (field {@code source}). */
    private static int sampleAlphabet(Path train) throws IOException {
        java.util.Set<Integer> characters = new java.util.HashSet<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(train)) {
            if (!line.isBlank()) {
                json.readTree(line).get("source").asText().codePoints().forEach(characters::add);
            }
        }
        // the char-level tokenizer's special tokens come first
        return characters.size() + 5;
    }
}
