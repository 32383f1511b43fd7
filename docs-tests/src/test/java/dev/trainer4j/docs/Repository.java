package dev.trainer4j.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The repository the tests run in: its root (found from the module folder Maven runs the tests in) and its files. */
final class Repository {
    /** The system property that makes the generated-docs tests write the files instead of comparing them. */
    static final String REGENERATE_PROPERTY = "trainer4j.docs.regenerate";

    /** The one-line command that rewrites every generated file under docs/. */
    static final String REGENERATE_COMMAND = "mvn -o -B -q -pl docs-tests -am test -Dtest=GeneratedDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE_PROPERTY + "=true";

    private Repository() {
    }

    /** The repository root: the nearest folder above the working directory that holds docs-tests/pom.xml. */
    static Path root() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null) {
            if (Files.isRegularFile(folder.resolve("docs-tests").resolve("pom.xml"))) {
                return folder;
            }
            folder = folder.getParent();
        }
        throw new IllegalStateException("no repository root (a folder with docs-tests/pom.xml) above "
                + Path.of("").toAbsolutePath());
    }

    static Path docs() {
        return root().resolve("docs");
    }

    /** Every Markdown file under docs/, sorted. */
    static List<Path> markdownFiles() {
        try (Stream<Path> files = Files.walk(docs())) {
            return files.filter(file -> file.toString().endsWith(".md")).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every module's {@code src/main/resources/reference.conf}, by module folder (build output and tests excluded). */
    static List<Path> referenceConfFiles() {
        Path root = root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.endsWith(Path.of("src", "main", "resources", "reference.conf")))
                    .filter(file -> !root.relativize(file).toString().contains("target"))
                    .sorted(Comparator.comparing(file -> moduleOrder(root.relativize(file))))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** api first, then core, then the rest by folder. */
    private static String moduleOrder(Path relative) {
        String module = relative.toString();
        if (module.startsWith("api")) {
            return "0" + module;
        }
        if (module.startsWith("core")) {
            return "1" + module;
        }
        return "2" + module;
    }

    static boolean regenerate() {
        return Boolean.getBoolean(REGENERATE_PROPERTY);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
