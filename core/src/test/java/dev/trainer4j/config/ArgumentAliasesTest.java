package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.Argument;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ArgumentAliasesTest {
    private static final Set<String> KEYS = TrainingArguments.defaults().root().keySet();

    @Test
    void everyDeclaredHfAliasAndSnakeCaseSpellingNamesItsArgument() {
        for (Argument<?> argument : TrainingArguments.arguments()) {
            assertThat(normalizedKeys(argument.key().replace('-', '_'))).as(argument.key()).containsExactly(argument.key());
            for (String alias : argument.aliases()) {
                assertThat(normalizedKeys(alias)).as("alias %s", alias).containsExactly(argument.key());
            }
        }
    }

    @Test
    void theV4NamesInTheDocumentationAreDeclared() {
        assertThat(normalizedKeys("evaluation_strategy")).containsExactly("eval-strategy");
        assertThat(normalizedKeys("disable_tqdm")).containsExactly("disable-progress");
    }

    @Test
    void hfsJitCheckpointNameIsSaveOnInterruptInSnakeAndKebabCase() {
        assertThat(normalizedKeys("enable_jit_checkpoint")).containsExactly("save-on-interrupt");
        assertThat(normalizedKeys("enable-jit-checkpoint")).containsExactly("save-on-interrupt");
    }

    private static Set<String> normalizedKeys(String written) {
        Config args = ConfigFactory.empty().withValue("\"" + written + "\"", ConfigValueFactory.fromAnyRef("x"));
        return ArgumentAliases.normalize(args, "args", KEYS).root().keySet();
    }
}
