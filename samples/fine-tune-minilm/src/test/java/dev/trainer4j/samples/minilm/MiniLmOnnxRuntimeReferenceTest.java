package dev.trainer4j.samples.minilm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.AssembledRun;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The independent reference for the imported weights: ONNX Runtime runs {@code all-minilm-l6-v2.onnx} (the
 * resource of the sample's MiniLM jar) and trainer4j's {@code bert-encoder}, initialised from the same file by the
 * run's {@code init-from}, predicts with {@code head = embedding}; both get the same ids from the run's own tokenizer
 * for 24 real messages (the first of the test split), padded with [PAD] to one length. Compared: the last hidden
 * state at every position (real and padding) and the mean over the real tokens (sentence-transformers' pooling,
 * computed here from ONNX Runtime's hidden states).
 */
final class MiniLmOnnxRuntimeReferenceTest {
    /** The bound; both sides compute in float32 with different kernels and summation orders. */
    private static final double TOLERANCE = 1e-4;
    private static final int SENTENCES = 24;
    private static final int HIDDEN = 384;

    @Test
    void importedEncoderGivesOnnxRuntimesOutputs(@TempDir Path output) throws IOException, OrtException {
        Trainer4j runtime = Trainer4j.create();
        RunConfig run = runtime.load(Path.of("run.conf"), ConfigOverrides.parse(List.of(
                "args.output-dir=" + output,
                "model.head=embedding",
                "metrics=[]",
                "callbacks=[]")));
        AssembledRun assembled = runtime.assemble(run);
        Tokenizer tokenizer = assembled.tokenizer().orElseThrow();
        List<Encoding> encodings = tokenizer.encodeBatch(firstTexts(Path.of("../text-classification/data/test.jsonl")));
        int longest = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
        int length = (longest + 15) / 16 * 16; // the collator's pad-to-multiple-of, so it adds nothing
        int[][] ids = new int[SENTENCES][length];
        int[][] mask = new int[SENTENCES][length];
        for (int row = 0; row < SENTENCES; row++) {
            Arrays.fill(ids[row], tokenizer.padTokenId());
            int[] encoded = encodings.get(row).ids();
            System.arraycopy(encoded, 0, ids[row], 0, encoded.length);
            Arrays.fill(mask[row], 0, encoded.length, 1);
        }
        assertThat(encodings.get(0).ids()[0]).as("[CLS] first").isEqualTo(tokenizer.tokenToId("[CLS]"));

        float[][][] reference = onnxRuntime(ids, mask);

        float[] hidden;
        float[] embedding;
        try (Trainer trainer = runtime.trainer(assembled)) {
            List<Example> examples = new ArrayList<>();
            for (int row = 0; row < SENTENCES; row++) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("input_ids", ids[row]);
                fields.put("attention_mask", mask[row]);
                examples.add(Example.of(fields));
            }
            PredictionOutput predicted = trainer.predict(Dataset.of(examples));
            HostTensor states = predicted.predictions().get("last_hidden_state");
            assertThat(states.shape()).containsExactly(SENTENCES, length, HIDDEN);
            hidden = states.floats();
            embedding = predicted.predictions().get("embedding").floats();
        }

        double hiddenReal = 0;
        double hiddenAll = 0;
        double embeddingError = 0;
        double largest = 0;
        for (int row = 0; row < SENTENCES; row++) {
            double[] mean = new double[HIDDEN];
            int tokens = 0;
            for (int position = 0; position < length; position++) {
                for (int unit = 0; unit < HIDDEN; unit++) {
                    float expected = reference[row][position][unit];
                    double error = Math.abs(hidden[(row * length + position) * HIDDEN + unit] - expected);
                    hiddenAll = Math.max(hiddenAll, error);
                    if (mask[row][position] == 1) {
                        hiddenReal = Math.max(hiddenReal, error);
                        largest = Math.max(largest, Math.abs(expected));
                        mean[unit] += expected;
                    }
                }
                tokens += mask[row][position];
            }
            for (int unit = 0; unit < HIDDEN; unit++) {
                double error = Math.abs(embedding[row * HIDDEN + unit] - mean[unit] / tokens);
                embeddingError = Math.max(embeddingError, error);
            }
        }
        System.out.printf("MiniLM imported by init-from vs ONNX Runtime, %d sentences padded to %d tokens (longest %d):"
                        + " max |trainer4j - ORT| last_hidden_state real tokens %.3g, all positions %.3g;"
                        + " mean-pooled embedding %.3g (largest |value| %.3g)%n",
                SENTENCES, length, longest, hiddenReal, hiddenAll, embeddingError, largest);
        assertThat(largest).as("the outputs are not all zero, so the comparison can fail").isGreaterThan(0.5);
        assertThat(hiddenReal).isLessThanOrEqualTo(TOLERANCE);
        assertThat(hiddenAll).isLessThanOrEqualTo(TOLERANCE);
        assertThat(embeddingError).isLessThanOrEqualTo(TOLERANCE);
    }

    private static List<String> firstTexts(Path jsonl) throws IOException {
        try (var lines = Files.lines(jsonl)) {
            return lines.limit(SENTENCES).map(line -> ConfigFactory.parseString(line).getString("text")).toList();
        }
    }

    /** ONNX Runtime's {@code last_hidden_state} [B, L, 384] for the ids; every token type 0, as in run.conf. */
    private static float[][][] onnxRuntime(int[][] ids, int[][] mask) throws IOException, OrtException {
        byte[] model;
        try (InputStream in = MiniLmOnnxRuntimeReferenceTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the class path").isNotNull();
            model = in.readAllBytes();
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        environment.setTelemetry(false);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = environment.createSession(model, options);
                 OnnxTensor inputIds = OnnxTensor.createTensor(environment, longs(ids));
                 OnnxTensor attentionMask = OnnxTensor.createTensor(environment, longs(mask));
                 OnnxTensor tokenTypeIds = OnnxTensor.createTensor(environment, new long[ids.length][ids[0].length]);
                 OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attentionMask,
                         "token_type_ids", tokenTypeIds))) {
                assertThat(session.getOutputNames()).containsExactly("last_hidden_state");
                return (float[][][]) result.get(0).getValue();
            }
        }
    }

    private static long[][] longs(int[][] values) {
        long[][] result = new long[values.length][];
        for (int row = 0; row < values.length; row++) {
            result[row] = Arrays.stream(values[row]).asLongStream().toArray();
        }
        return result;
    }
}
