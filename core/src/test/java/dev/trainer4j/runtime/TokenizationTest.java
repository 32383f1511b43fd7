package dev.trainer4j.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.StreamingDataset;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime's tokenization: a trainable tokenizer learns from the training set only, datasets get input_ids. */
final class TokenizationTest {
    private static final Map<String, List<String>> SPLITS = Map.of(
            "train", List.of("free prize now", "see you now", "free free call"),
            "validation", List.of("call me now", "unseen words here"));

    private static final String RUN = """
            model = test-model
            tokenizer = split-tokenizer
            data {
              train { type = text-dataset, split = train }
              eval { validation { type = text-dataset, split = validation }, plain = test-dataset }
            }
            args { output-dir = out }
            """;

    @TempDir
    Path directory;

    private final Trainer4j runtime = Trainer4j.create(
            PluginLoader.register(List.of(new RuntimeTestPlugin(), new TextPlugin())),
            ConfigFactory.parseString("""
                    trainer4j.plugins {
                      tokenizers.split-tokenizer { train-from = text, path = "" }
                      datasets.text-dataset { split = train, field = text }
                    }
                    """).withFallback(RuntimeTestFixtures.reference()));

    private RunConfig run(String hocon) {
        return runtime.parse(ConfigFactory.parseString(hocon), directory);
    }

    @Test
    void aTrainableTokenizerLearnsFromTheTrainingTextsOnlyAndEveryTextDatasetGetsInputIds() {
        AssembledRun assembled = runtime.assemble(run(RUN));
        SplitTokenizer tokenizer = (SplitTokenizer) assembled.tokenizer().orElseThrow();
        TrainerSpec spec = assembled.spec();
        assertThat(spec.tokenizer()).as("saveModel writes the spec's tokenizer").containsSame(tokenizer);

        assertThat(tokenizer.trainedOn()).containsExactlyElementsOf(SPLITS.get("train"));
        // vocabulary in first-seen order from the training texts: free=1 prize=2 now=3 see=4 you=5 call=6; unknown=0
        MapDataset train = (MapDataset) spec.trainDataset().orElseThrow();
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.get(0).fields()).containsOnlyKeys("label", "input_ids");
        assertThat(train.get(0).getIntArray("input_ids")).containsExactly(1, 2, 3);
        assertThat(train.get(2).getIntArray("input_ids")).containsExactly(1, 1, 6);
        assertThat(train.get(2).getLong("label")).isEqualTo(2);
        MapDataset validation = (MapDataset) spec.evalDatasets().get("validation");
        assertThat(validation.get(0).getIntArray("input_ids")).containsExactly(6, 0, 3);
        assertThat(validation.get(1).getIntArray("input_ids")).containsExactly(0, 0, 0);
        assertThat(spec.evalDatasets().get("plain")).as("no text field: left as it is")
                .isInstanceOf(RuntimeTestPlugin.TestDataset.class);
        validation.get(0);
        validation.get(1);
        train.get(1);
        assertThat(tokenizer.batchCalls()).as("each dataset encoded once, in one batch, and cached").isEqualTo(2);
    }

    @Test
    void removeUnusedColumnsOffKeepsTheText() {
        AssembledRun assembled = runtime.assemble(run(RUN + "args.remove-unused-columns = false\n"));
        Example first = ((MapDataset) assembled.spec().trainDataset().orElseThrow()).get(0);

        assertThat(first.fields()).containsOnlyKeys("text", "label", "input_ids");
        assertThat(first.getString("text")).isEqualTo("free prize now");
    }

    @Test
    void dataTextFieldNamesTheFieldToEncodeAndTheTokenizerTrainsFromItsOwnField() {
        String hocon = """
                model = test-model
                tokenizer { type = split-tokenizer, train-from = sms }
                data {
                  train { type = text-dataset, split = train, field = sms }
                  eval { type = text-dataset, split = validation, field = sms }
                }
                """;
        AssembledRun assembled = runtime.assemble(run(hocon));
        assertThat(((SplitTokenizer) assembled.tokenizer().orElseThrow()).trainedOn()).hasSize(3);
        Example eval = ((MapDataset) assembled.spec().evalDatasets().get(TrainerSpec.DEFAULT_EVAL_NAME)).get(0);
        assertThat(eval.fields()).containsOnlyKeys("label", "input_ids");

        RunConfig explicit = run(hocon + "data.text-field = sms\n");
        assertThat(explicit.textField()).contains("sms");
        assertThat(explicit.resolved().getString("data.text-field")).isEqualTo("sms");
        assertThat(run("model = test-model").textField(Optional.empty())).isEqualTo("text");
        assertThat(run("model = test-model").textField(Optional.of("body"))).isEqualTo("body");
        assertThat(explicit.textField(Optional.of("body"))).isEqualTo("sms");
    }

    @Test
    void theStrictDataKeyCheckStillHoldsAndTextFieldMustBeAName() {
        assertThatThrownBy(() -> run("model = test-model\ndata.text-feild = sms\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("data.text-feild: unknown key").hasMessageContaining("did you mean 'text-field'?");
        assertThatThrownBy(() -> run("model = test-model\ndata.text-field = [a]\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("data.text-field: [\"a\"]").hasMessageContaining("expected the name of the dataset field");
    }

    @Test
    void aTrainableTokenizerWithoutTrainingDataIsAConfigurationError() {
        assertThatThrownBy(() -> runtime.assemble(run("model = test-model\ntokenizer = split-tokenizer\n")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tokenizer (tokenizer 'split-tokenizer'): learns its vocabulary from the field 'text'")
                .hasMessageContaining("no data.train");
    }

    @Test
    void aTrainingTextFieldThatIsMissingNamesTheDatasetAndTheExample() {
        String hocon = "model = test-model\ntokenizer { type = split-tokenizer, train-from = body }\n"
                + "data.train { type = text-dataset }\n";
        assertThatThrownBy(() -> runtime.assemble(run(hocon)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("data.train: example 0 has no text field 'body'; present: [text, label]");
    }

    @Test
    void theTrainedTokenizerIsSavedToTheOutputDirWhenTrainingBegins() {
        AssembledRun assembled = runtime.assemble(run(RUN));
        TokenizerSavingCallback saver = assembled.spec().callbacks().stream()
                .filter(TokenizerSavingCallback.class::isInstance).map(TokenizerSavingCallback.class::cast)
                .findFirst().orElseThrow();
        Path output = directory.resolve("runs/one");

        saver.onTrainBegin(assembled.spec().args().toBuilder().outputDir(output.toString()).build(),
                new TrainerState(), new TrainerControl());

        assertThat(output.resolve(TrainerAssembler.TOKENIZER_FILE)).hasContent("free prize now see you call");
    }

    @Test
    void aStreamIsEncodedAsItIsRead() {
        SplitTokenizer tokenizer = new SplitTokenizer(List.of("a", "b"));
        StreamingDataset stream = new StreamingDataset() {
            @Override
            public Iterator<Example> iterator(int epoch, long seed) {
                return List.of(Example.of(Map.of("text", "b a", "label", 1)), Example.of(Map.of("label", 0)),
                        Example.of(Map.of("text", "c", "label", 0))).iterator();
            }

            @Override
            public OptionalLong knownSize() {
                return OptionalLong.of(3);
            }
        };
        StreamingDataset encoded = (StreamingDataset) TokenizedDatasets.tokenize(stream, tokenizer, "text", false, "data.train");
        List<Example> examples = new ArrayList<>();
        encoded.iterator(0, 0).forEachRemaining(examples::add);

        assertThat(encoded.knownSize()).hasValue(3);
        assertThat(examples.get(0).getIntArray("input_ids")).containsExactly(2, 1);
        assertThat(examples.get(1).fields()).containsOnlyKeys("label");
        assertThat(examples.get(2).getIntArray("input_ids")).containsExactly(0);
        assertThatThrownBy(() -> TokenizedDatasets.texts(stream, "text", "data.train"))
                .hasMessage("data.train: example 1 has no text field 'text'; present: [label]; set data.text-field"
                        + " (or the tokenizer's train-from) to the field holding the text");
    }

    @Test
    void aLoadedTokenizerIsNotTrainedNorSaved() {
        AssembledRun assembled = runtime.assemble(run(RUN.replace("tokenizer = split-tokenizer",
                "tokenizer { type = split-tokenizer, path = saved.json }")));

        assertThat(((SplitTokenizer) assembled.tokenizer().orElseThrow()).trainedOn()).containsExactly("loaded");
        assertThat(assembled.spec().tokenizer()).containsSame(assembled.tokenizer().orElseThrow());
        assertThat(assembled.spec().callbacks()).noneMatch(TokenizerSavingCallback.class::isInstance);
        assertThat(((MapDataset) assembled.spec().trainDataset().orElseThrow()).get(0).getIntArray("input_ids"))
                .containsExactly(0, 0, 0);
    }

    /** Splits on spaces; ids are 1 + the position of the word in the vocabulary, 0 for unknown words. */
    static final class SplitTokenizer implements Tokenizer {
        private final List<String> vocabulary;
        private final List<String> trainedOn;
        private int batchCalls;

        SplitTokenizer(List<String> trainedOn) {
            this.trainedOn = List.copyOf(trainedOn);
            List<String> words = new ArrayList<>();
            for (String text : trainedOn) {
                for (String word : text.split(" ")) {
                    if (!words.contains(word)) {
                        words.add(word);
                    }
                }
            }
            this.vocabulary = List.copyOf(words);
        }

        List<String> trainedOn() {
            return trainedOn;
        }

        synchronized int batchCalls() {
            return batchCalls;
        }

        @Override
        public Encoding encode(String text) {
            String[] words = text.split(" ");
            int[] ids = new int[words.length];
            for (int i = 0; i < words.length; i++) {
                ids[i] = vocabulary.indexOf(words[i]) + 1;
            }
            return new Encoding(ids, new int[ids.length], new int[ids.length], new int[ids.length], words);
        }

        @Override
        public List<Encoding> encodeBatch(List<String> texts) {
            synchronized (this) {
                batchCalls++;
            }
            return Tokenizer.super.encodeBatch(texts);
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            return "";
        }

        @Override
        public int vocabularySize() {
            return vocabulary.size() + 1;
        }

        @Override
        public int tokenToId(String token) {
            return vocabulary.indexOf(token) + 1;
        }

        @Override
        public int padTokenId() {
            return 0;
        }

        @Override
        public int maxLength() {
            return 0;
        }

        @Override
        public void save(Path tokenizerJson) {
            try {
                Files.writeString(tokenizerJson, String.join(" ", vocabulary));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The split tokenizer (trained from {@code train-from}) and a dataset of the {@link #SPLITS} texts. */
    static final class TextPlugin implements Plugin {
        @Override
        public List<TokenizerFactory> tokenizerFactories() {
            return List.of(new TokenizerFactory() {
                @Override
                public String name() {
                    return "split-tokenizer";
                }

                @Override
                public Optional<String> trainingField(Config settings) {
                    return settings.getString("path").isEmpty() ? Optional.of(settings.getString("train-from")) : Optional.empty();
                }

                @Override
                public Tokenizer train(Config settings, PluginContext context, Iterable<String> texts) {
                    List<String> list = new ArrayList<>();
                    texts.forEach(list::add);
                    return new SplitTokenizer(list);
                }

                @Override
                public Tokenizer create(Config settings, PluginContext context) {
                    return new SplitTokenizer(List.of("loaded"));
                }
            });
        }

        @Override
        public List<DatasetFactory> datasetFactories() {
            return List.of(new DatasetFactory() {
                @Override
                public String name() {
                    return "text-dataset";
                }

                @Override
                public Dataset create(Config settings, PluginContext context) {
                    List<String> texts = SPLITS.get(settings.getString("split"));
                    String field = settings.getString("field");
                    List<Example> examples = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                        examples.add(Example.builder().put(field, texts.get(i)).put("label", i).build());
                    }
                    return Dataset.of(examples);
                }
            });
        }
    }
}
