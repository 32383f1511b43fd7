package dev.trainer4j.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated files under docs/ are current: each is rendered again from the code and compared with the committed
 * file. With {@code -Dtrainer4j.docs.regenerate=true} the tests write the files instead (see
 * {@link Repository#REGENERATE_COMMAND}).
 */
class GeneratedDocsTest {

    @Test
    void keyReferenceListsEveryKeyOfEveryReferenceConf() {
        Path root = Repository.root();
        Path file = Repository.docs().resolve(KeyReference.FILE);
        String expected = KeyReference.render(root);
        if (Repository.regenerate()) {
            Repository.write(file, expected);
        }
        assertThat(file).as("%s is missing; generate it with: %s", file, Repository.REGENERATE_COMMAND).isRegularFile();
        String committed = Repository.read(file);
        List<String> missing = KeyReference.allKeys(root).entrySet().stream()
                .filter(entry -> !committed.contains(entry.getValue().row()))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(missing).as("keys of a reference.conf that %s lacks or describes differently; regenerate it with: %s",
                file, Repository.REGENERATE_COMMAND).isEmpty();
        assertThat(committed).as("%s is stale; regenerate it with: %s", file, Repository.REGENERATE_COMMAND)
                .isEqualTo(expected);
    }

    @Test
    void cliReferenceIsPicocliUsageHelpOfEveryCommand() {
        Path file = Repository.docs().resolve(CliReference.FILE);
        String expected = CliReference.render();
        if (Repository.regenerate()) {
            Repository.write(file, expected);
        }
        assertThat(CliReference.commands()).contains("train", "evaluate", "predict", "export", "report", "config", "plugins");
        assertThat(file).as("%s is missing; generate it with: %s", file, Repository.REGENERATE_COMMAND).isRegularFile();
        assertThat(Repository.read(file)).as("%s is stale; regenerate it with: %s", file, Repository.REGENERATE_COMMAND)
                .isEqualTo(expected);
    }

    @Test
    void huggingFaceTableExplainsEveryTrainingArgumentsField() {
        Path file = Repository.docs().resolve(HfArguments.FILE);
        assertThat(file).isRegularFile();
        String expected = HfArguments.replaceGenerated(Repository.read(file));
        if (Repository.regenerate()) {
            Repository.write(file, expected);
        }
        assertThat(Repository.read(file)).as("the generated table of %s is stale; regenerate it with: %s", file,
                Repository.REGENERATE_COMMAND).isEqualTo(expected);
    }

    @Test
    void keyReferenceCoversEveryModuleWithDefaults() {
        Path root = Repository.root();
        List<Path> files = Repository.referenceConfFiles();
        List<String> modules = KeyReference.blocks(root).stream().map(KeyReference.Block::module).distinct().toList();
        // api, core, tf-backend and the six plugin modules have defaults today; a new module's file is found the same way
        assertThat(files).hasSizeGreaterThanOrEqualTo(9);
        assertThat(modules).contains("api", "core", "tf-backend", "plugins/metrics", "plugins/callbacks", "plugins/data",
                "plugins/tokenizers", "plugins/collators", "plugins/tensorboard");
        assertThat(files).allSatisfy(conf -> assertThat(Files.isRegularFile(conf)).isTrue());
    }
}
