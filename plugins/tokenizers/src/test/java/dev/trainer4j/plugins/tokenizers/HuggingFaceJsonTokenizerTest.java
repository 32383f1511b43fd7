package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code hf} tokenizer on three real tokenizer.json files (WordPiece, byte-level BPE, Unigram). Surefire runs
 * each test class in a fresh JVM (reuseForks=false), so {@link #loadAllWhileRecordingConnections} is this JVM's
 * first use of DJL: native library extraction, loading and encoding all happen under the recorder.
 */
class HuggingFaceJsonTokenizerTest {
    private static final List<HuggingFaceJsonTokenizer> LOADED = new ArrayList<>();
    private static List<String> connectionsDuringUse;
    private static HuggingFaceJsonTokenizer bert;
    private static HuggingFaceJsonTokenizer roberta;
    private static HuggingFaceJsonTokenizer t5;
    private static List<Integer> bertHelloWorld;
    private static List<Integer> robertaHelloWorld;
    private static List<Integer> t5HelloWorld;

    @BeforeAll
    static void loadAllWhileRecordingConnections() throws Exception {
        TestPluginContext context = new TestPluginContext(TestResources.tokenizers());
        HuggingFaceTokenizerFactory factory = new HuggingFaceTokenizerFactory();
        connectionsDuringUse = ConnectionRecorder.record(() -> {
            bert = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "bert-base-uncased/tokenizer.json")), context);
            roberta = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "roberta-base/tokenizer.json")), context);
            t5 = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "t5-small")), context);
            bertHelloWorld = ids(bert.encode("hello world"));
            robertaHelloWorld = ids(roberta.encode("Hello world"));
            t5HelloWorld = ids(t5.encode("Hello world"));
        });
        LOADED.addAll(List.of(bert, roberta, t5));
    }

    @AfterAll
    static void closeTokenizers() {
        LOADED.forEach(HuggingFaceJsonTokenizer::close);
    }

    @Test
    void loadingAndEncodingOpensNoSocket() {
        assertThat(bertHelloWorld).isNotEmpty();
        assertThat(connectionsDuringUse).isEmpty();
    }

    @Test
    void recorderCatchesALoopbackConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = server.getLocalPort();
            List<String> connections = ConnectionRecorder.record(() -> {
                try (Socket socket = new Socket("127.0.0.1", port); Socket accepted = server.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write(7);
                    out.flush();
                    InputStream in = accepted.getInputStream();
                    assertThat(in.read()).isEqualTo(7);
                }
            });
            assertThat(connections).contains("127.0.0.1:" + port);
        }
    }

    @Test
    void wordPieceEncodesKnownIds() {
        assertThat(bertHelloWorld).containsExactly(101, 7592, 2088, 102);
        Encoding encoding = bert.encode("Hello, World!");
        assertThat(encoding.ids()).containsExactly(101, 7592, 1010, 2088, 999, 102);
        assertThat(encoding.tokens()).containsExactly("[CLS]", "hello", ",", "world", "!", "[SEP]");
        assertThat(encoding.attentionMask()).containsOnly(1);
        assertThat(encoding.specialTokensMask()).containsExactly(1, 0, 0, 0, 0, 1);
    }

    @Test
    void byteLevelBpeEncodesKnownIds() {
        assertThat(robertaHelloWorld).containsExactly(0, 31414, 232, 2);
    }

    @Test
    void unigramEncodesKnownIds() {
        assertThat(t5HelloWorld).containsExactly(8774, 296, 1);
    }

    @Test
    void pairsGetSegmentIds() {
        Encoding encoding = bert.encodePair("hello", "world");
        assertThat(encoding.ids()).containsExactly(101, 7592, 102, 2088, 102);
        assertThat(encoding.typeIds()).containsExactly(0, 0, 0, 1, 1);
    }

    @Test
    void vocabularyAndPaddingTokens() {
        assertThat(bert.vocabularySize()).isEqualTo(30522);
        assertThat(roberta.vocabularySize()).isEqualTo(50265);
        assertThat(t5.vocabularySize()).isEqualTo(32100);
        assertThat(bert.padTokenId()).isZero();
        assertThat(roberta.padTokenId()).isEqualTo(1);
        assertThat(t5.padTokenId()).isZero();
        assertThat(bert.tokenToId("[MASK]")).isEqualTo(103);
        assertThat(roberta.tokenToId("<mask>")).isEqualTo(50264);
        assertThat(t5.tokenToId("</s>")).isEqualTo(1);
        assertThat(bert.tokenToId("no-such-token")).isEqualTo(-1);
    }

    @Test
    void decodes() {
        assertThat(bert.decode(new int[] {101, 7592, 2088, 102}, true)).isEqualTo("hello world");
        assertThat(bert.decode(new int[] {101, 7592, 2088, 102}, false)).isEqualTo("[CLS] hello world [SEP]");
        assertThat(roberta.decode(new int[] {0, 31414, 232, 2}, true)).isEqualTo("Hello world");
    }

    @Test
    void batchEncodingKeepsOrder() {
        List<String> texts = List.of("hello world", "world", "hello hello hello", "");
        List<Encoding> batch = bert.encodeBatch(texts);
        assertThat(batch).hasSize(4);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i).ids()).containsExactly(bert.encode(texts.get(i)).ids());
        }
        assertThat(batch.get(3).ids()).containsExactly(101, 102);
    }

    @Test
    void truncatesToMaxLengthCountingSpecialTokens() {
        Path base = TestResources.tokenizers();
        try (HuggingFaceJsonTokenizer truncating = HuggingFaceJsonTokenizer.load(base.resolve("bert-base-uncased"), 4, true, "")) {
            assertThat(truncating.encode("hello world hello world").ids()).containsExactly(101, 7592, 2088, 102);
            assertThat(truncating.maxLength()).isEqualTo(4);
        }
        try (HuggingFaceJsonTokenizer plain = HuggingFaceJsonTokenizer.load(base.resolve("bert-base-uncased"), 0, false, "")) {
            assertThat(plain.encode("hello world").ids()).containsExactly(7592, 2088);
        }
    }

    @Test
    void savesTheLoadedFileUnchanged(@TempDir Path folder) throws Exception {
        Path saved = folder.resolve("out/tokenizer.json");
        t5.save(saved);
        assertThat(Files.mismatch(saved, TestResources.tokenizers().resolve("t5-small/tokenizer.json"))).isEqualTo(-1L);
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf", Map.of("path", "nope/tokenizer.json")),
                new TestPluginContext(TestResources.tokenizers())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope/tokenizer.json")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf", Map.of()),
                new TestPluginContext(TestResources.tokenizers())))
                .hasMessageContaining("needs 'path'");
    }

    private static List<Integer> ids(Encoding encoding) {
        return java.util.Arrays.stream(encoding.ids()).boxed().toList();
    }

    @SuppressWarnings("unused")
    private static Tokenizer asTokenizer(HuggingFaceJsonTokenizer tokenizer) {
        return tokenizer;
    }
}
