package dev.trainer4j.docs;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import org.junit.jupiter.api.Test;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api's Javadoc covers what a plugin author reads. The build runs doclint on the api (without its "missing"
 * group) and fails on any warning; this test adds the coverage doclint's "missing" group would demand only for
 * these: every public type of {@code dev.trainer4j.api} and {@code dev.trainer4j.spi} has a comment, and so does every
 * public member of every SPI type and of every api interface (the types a plugin implements).
 */
class JavadocCoverageTest {

    @Test
    void everyPublicApiTypeAndEverySpiMemberHasAComment() throws IOException {
        Path sources = Repository.root().resolve("api/src/main/java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> missing = new ArrayList<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(null, fileManager, null, List.of("-proc:none"), null,
                    fileManager.getJavaFileObjectsFromPaths(files));
            DocTrees docTrees = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                String packageName = unit.getPackageName().toString();
                new Scanner(docTrees, packageName, sources.relativize(Path.of(unit.getSourceFile().toUri())), missing)
                        .scan(unit, null);
            }
        }
        assertThat(files).hasSizeGreaterThan(50);
        assertThat(missing).as("public api types and SPI members without a Javadoc comment").isEmpty();
    }

    private static final class Scanner extends TreePathScanner<Void, Void> {
        private final DocTrees docTrees;
        private final boolean spi;
        private final Path file;
        private final List<String> missing;
        private final List<ClassTree> enclosing = new ArrayList<>();

        Scanner(DocTrees docTrees, String packageName, Path file, List<String> missing) {
            this.docTrees = docTrees;
            this.spi = packageName.equals("dev.trainer4j.spi");
            this.file = file;
            this.missing = missing;
        }

        @Override
        public Void visitClass(ClassTree tree, Void unused) {
            boolean inInterface = !enclosing.isEmpty() && isInterface(enclosing.get(enclosing.size() - 1));
            if (isPublic(tree.getModifiers(), inInterface)) {
                check(tree.getSimpleName().toString(), "type");
            }
            else {
                return null;   // members of a non-public type are not api
            }
            enclosing.add(tree);
            try {
                return super.visitClass(tree, unused);
            }
            finally {
                enclosing.remove(enclosing.size() - 1);
            }
        }

        @Override
        public Void visitMethod(MethodTree tree, Void unused) {
            ClassTree owner = enclosing.get(enclosing.size() - 1);
            boolean compactOrImplicit = tree.getName().contentEquals("<init>") && owner.getKind() == Tree.Kind.RECORD;
            if (covered(owner) && isPublic(tree.getModifiers(), isInterface(owner)) && !compactOrImplicit
                    && !isOverride(tree)) {
                check(owner.getSimpleName() + "." + tree.getName(), "method");
            }
            return null;
        }

        @Override
        public Void visitVariable(VariableTree tree, Void unused) {
            ClassTree owner = enclosing.isEmpty() ? null : enclosing.get(enclosing.size() - 1);
            if (owner != null && getCurrentPath().getParentPath().getLeaf() == owner && covered(owner)
                    && (isPublic(tree.getModifiers(), isInterface(owner)) || owner.getKind() == Tree.Kind.ENUM
                    && tree.getModifiers().getFlags().isEmpty())) {
                check(owner.getSimpleName() + "." + tree.getName(), "field");
            }
            return null;
        }

        private boolean covered(ClassTree owner) {
            return spi || isInterface(owner);
        }

        private void check(String name, String kind) {
            TreePath path = getCurrentPath();
            if (docTrees.getDocCommentTree(path) == null) {
                missing.add(file + ": " + kind + " " + name);
            }
        }

        private static boolean isInterface(ClassTree tree) {
            return tree.getKind() == Tree.Kind.INTERFACE || tree.getKind() == Tree.Kind.ANNOTATION_TYPE;
        }

        private static boolean isPublic(ModifiersTree modifiers, boolean inInterface) {
            return modifiers.getFlags().contains(Modifier.PUBLIC)
                    || inInterface && !modifiers.getFlags().contains(Modifier.PRIVATE);
        }

        private static boolean isOverride(MethodTree tree) {
            return tree.getModifiers().getAnnotations().stream()
                    .anyMatch(annotation -> annotation.getAnnotationType().toString().equals("Override"));
        }
    }
}
