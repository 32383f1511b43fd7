package dev.trainer4j.api;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationConfigTest {

    private static TrainingArguments args(String hocon) {
        return TrainingArguments.fromConfig(ConfigFactory.parseString(hocon));
    }

    @Test
    void precedenceIsCallOverArgumentsOverTheModelOverTheLibraryDefaults() {
        // model: max-length 10, num-beams 2, top-k 7, eos 3; args.generation-config: num-beams 3, temperature 0.5,
        // max-length 12; args.generation-max-length 15; the call: max-length 20.
        // Expected, key by key: max-length 20 (call), num-beams 3 (args' generation-config: generation-num-beams is
        // unset), temperature 0.5 (args), top-k 7 (model), eos 3 (model), length-penalty 1.0 (library default)
        GenerationConfig model = GenerationConfig.fromMap(Map.of("max-length", 10, "num-beams", 2, "top-k", 7,
                "eos-token-id", 3), "model.generation-config");
        TrainingArguments args = args("generation-config { num_beams = 3, temperature = 0.5, max-length = 12 }\n"
                + "generation-max-length = 15");
        GenerationConfig call = GenerationConfig.empty().with(GenerationConfig.MAX_LENGTH, 20);

        GenerationConfig.Resolved resolved = model.overriddenBy(args.generationOverrides().overriddenBy(call))
                .resolve(50, "generation-config");
        assertThat(resolved.maxLength()).isEqualTo(20);
        assertThat(resolved.numBeams()).isEqualTo(3);
        assertThat(resolved.temperature()).isEqualTo(0.5);
        assertThat(resolved.topK()).isEqualTo(7);
        assertThat(resolved.eosTokenId()).isEqualTo(3);
        assertThat(resolved.lengthPenalty()).isEqualTo(1.0);

        // without the call, generation-max-length (15) wins over generation-config's max-length (12)
        assertThat(model.overriddenBy(args.generationOverrides()).resolve(50, "g").maxLength()).isEqualTo(15);
        // generation-num-beams wins over generation-config's num-beams
        TrainingArguments beams = args("generation-config { num-beams = 3 }\ngeneration-num-beams = 5");
        assertThat(model.overriddenBy(beams.generationOverrides()).resolve(50, "g").numBeams()).isEqualTo(5);
        // nothing set anywhere: HF's defaults from reference.conf
        GenerationConfig.Resolved defaults = GenerationConfig.empty().resolve(50, "g");
        assertThat(defaults.maxLength()).isEqualTo(20);
        assertThat(defaults.numBeams()).isEqualTo(1);
        assertThat(defaults.topK()).isEqualTo(50);
        assertThat(defaults.eosTokenId()).isEqualTo(-1);
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertThatThrownBy(() -> args("generation-config { num-beams = 0 }"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("generation-config.num-beams: 0 is not allowed; expected an integer >= 1")
                .extracting(e -> ((ConfigurationException) e).key()).isEqualTo("generation-config.num-beams");
        assertThatThrownBy(() -> args("generation-config { top_p = 1.5 }"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config.top-p: 1.5 is not allowed; expected a number in (0, 1]");
        assertThatThrownBy(() -> args("generation-config { top-p = 0 }"))
                .hasMessageContaining("generation-config.top-p");
        assertThatThrownBy(() -> args("generation-config { temperature = 0 }"))
                .hasMessageContaining("generation-config.temperature");
        assertThatThrownBy(() -> args("generation-config { num-beam = 4 }"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config.num-beam: unknown generation setting");
        assertThatThrownBy(() -> args("generation-num-beams = 0"))
                .isInstanceOf(ConfigurationException.class)
                .extracting(e -> ((ConfigurationException) e).key()).isEqualTo("generation-num-beams");
        assertThatThrownBy(() -> args("generation-config = 3"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config");
        // an eos id outside the vocabulary shows when the settings meet the model
        assertThatThrownBy(() -> GenerationConfig.fromMap(Map.of("eos-token-id", 50), "generation-config")
                .resolve(50, "generation-config"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config.eos-token-id: 50 is not allowed; expected a token id in [0, 50)");
        // max-length at or below the prompt
        assertThatThrownBy(() -> GenerationConfig.fromMap(Map.of("max-length", 8), "g").resolve(50, "g")
                .newTokens(8, "generation-config.max-length"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config.max-length: 8 is not allowed; expected a length above the prompt's 8 tokens");
    }

    @Test
    void generationConfigMayBeTheHuggingFaceJsonFileOfAModel(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("generation_config.json");
        Files.writeString(file, "{\"num_beams\": 4, \"max_length\": 30, \"eos_token_id\": 2, \"do_sample\": false}");
        TrainingArguments args = args("generation-config = \"" + file.toString().replace("\\", "/") + "\"");
        assertThat(args.generationOverrides().numBeams()).isEqualTo(4);
        assertThat(args.generationOverrides().maxLength()).isEqualTo(30);
        assertThat(args.generationOverrides().eosTokenId()).isEqualTo(2);
        // the snapshot holds the settings, not the path
        assertThat(args.toMap().get("generation-config")).isEqualTo(Map.of("num_beams", 4, "max_length", 30,
                "eos_token_id", 2, "do_sample", false));
        assertThatThrownBy(() -> args("generation-config = \"" + directory.resolve("missing.json") + "\""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void seq2seqArgumentsHaveHuggingFaceDefaults() {
        TrainingArguments args = TrainingArguments.builder().build();
        assertThat(args.predictWithGenerate()).isFalse();
        assertThat(args.generationMaxLength()).isEmpty();
        assertThat(args.generationNumBeams()).isEmpty();
        assertThat(args.sortishSampler()).isFalse();
        assertThat(args.generationConfig()).isEmpty();
        assertThat(args.generationOverrides()).isEqualTo(GenerationConfig.empty());
    }
}
