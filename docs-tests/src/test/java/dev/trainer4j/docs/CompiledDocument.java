package dev.trainer4j.docs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.trainer4j.runtime.Trainer4j;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java snippets of one Markdown file under docs/, compiled together against the test class path, packaged the way
 * docs/writing-a-plugin.md says a plugin is: the classes, {@code META-INF/services/dev.trainer4j.spi.Plugin} naming
 * every snippet class that implements {@code Plugin}, and a {@code reference.conf} made of the file's HOCON snippets
 * that are reference defaults (rooted at {@code trainer4j}). {@link #runtime()} loads that jar-like folder the way the
 * runtime loads any plugin, so the document's run-file snippets can name the document's plugins.
 *
 * <p>A Java block that declares a type is a compilation unit (its {@code package} line and imports kept); any other
 * block is a fragment: its imports are kept and its statements become the body of a method.
 */
final class CompiledDocument {
    private static final Pattern TYPE = Pattern.compile("(?m)^(public |final |abstract |sealed |non-sealed )*(class|interface|record|enum) (\\w+)");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("(?m)^public (final |abstract |sealed |non-sealed )*(class|interface|record|enum) (\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern PLUGIN = Pattern.compile("(?m)^public (final )?class (\\w+) implements Plugin\\b");

    private final Path markdown;
    private final List<Snippet> snippets;
    private final Path classes;
    private final List<String> failures;

    private CompiledDocument(Path markdown, List<Snippet> snippets, Path classes, List<String> failures) {
        this.markdown = markdown;
        this.snippets = snippets;
        this.classes = classes;
        this.failures = failures;
    }

    /** Compiles the Java snippets of {@code markdown} under {@code work}. */
    static CompiledDocument compile(Path markdown, Path work) {
        List<Snippet> all = Snippet.of(markdown, Repository.read(markdown));
        List<Snippet> java = all.stream().filter(snippet -> snippet.language().equals("java")).toList();
        Path folder = work.resolve(markdown.getFileName().toString().replace(".md", ""));
        Path sources = folder.resolve("src");
        Path classes = folder.resolve("classes");
        try {
            Files.createDirectories(classes);
            List<Path> files = new ArrayList<>();
            List<String> plugins = new ArrayList<>();
            for (int i = 0; i < java.size(); i++) {
                files.add(write(sources, java.get(i), i));
                Matcher plugin = PLUGIN.matcher(java.get(i).text());
                Matcher packageLine = PACKAGE.matcher(java.get(i).text());
                if (plugin.find()) {
                    plugins.add((packageLine.find() ? packageLine.group(1) + "." : "") + plugin.group(2));
                }
            }
            List<String> failures = java.isEmpty() ? List.of() : javac(files, classes, java);
            Path services = classes.resolve("META-INF/services/dev.trainer4j.spi.Plugin");
            Files.createDirectories(services.getParent());
            Files.writeString(services, String.join("\n", plugins) + "\n");
            Config reference = ConfigFactory.empty();
            for (Snippet snippet : all) {
                if (snippet.language().equals("hocon")) {
                    Config config = ConfigFactory.parseString(snippet.text());
                    if (config.root().keySet().equals(Set.of("trainer4j"))) {
                        reference = reference.withFallback(config);
                    }
                }
            }
            Files.writeString(classes.resolve("reference.conf"), reference.root().render(ConfigRenderOptions.concise()));
            return new CompiledDocument(markdown, java, classes, failures);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** javac's errors, each with the snippet it is in. */
    List<String> failures() {
        return failures;
    }

    int javaSnippets() {
        return snippets.size();
    }

    /** A runtime with the class path's plugins and this document's, with their reference defaults. */
    Trainer4j runtime() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader());
        try {
            return Trainer4j.create();   // plugins and reference defaults of the context class loader
        }
        finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The compiled snippets over the test class path. */
    ClassLoader classLoader() {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, CompiledDocument.class.getClassLoader());
        }
        catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    Path markdown() {
        return markdown;
    }

    private static Path write(Path sources, Snippet snippet, int index) throws IOException {
        String text = snippet.text();
        String source;
        String className;
        if (TYPE.matcher(text).find()) {
            Matcher publicType = PUBLIC_TYPE.matcher(text);
            className = publicType.find() ? publicType.group(3) : "Snippet" + index + "Unit";
            source = text;
        }
        else {
            className = "Snippet" + index;
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : text.lines().toList()) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            source = imports + "class " + className + " {\n    void snippet() throws Exception {\n" + body + "    }\n}\n";
        }
        Matcher packageLine = PACKAGE.matcher(source);
        Path folder = packageLine.find() ? sources.resolve(packageLine.group(1).replace('.', '/')) : sources;
        Files.createDirectories(folder);
        Path file = folder.resolve(className + ".java");
        if (Files.exists(file)) {
            throw new IllegalStateException(snippet.where() + ": a second snippet declares " + className);
        }
        Files.writeString(file, source);
        return file;
    }

    private static List<String> javac(List<Path> files, Path classes, List<Snippet> snippets) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-classpath", testClassPath(), "-d",
                    classes.toString());
            boolean ok = compiler.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            List<String> failures = new ArrayList<>();
            List<String> names = files.stream().map(Path::toString).toList();
            for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
                if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                    String source = Optional.ofNullable(diagnostic.getSource()).map(JavaFileObject::getName).orElse("?");
                    int index = names.indexOf(source);
                    String where = index >= 0 ? snippets.get(index).where() : source;
                    failures.add(where + ": line " + diagnostic.getLineNumber() + " of the compiled snippet: "
                            + diagnostic.getMessage(null));
                }
            }
            if (!ok && failures.isEmpty()) {
                failures.add("javac failed without an error diagnostic");
            }
            return failures;
        }
    }

    /** Surefire's real class path (java.class.path may be a manifest-only jar). */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
