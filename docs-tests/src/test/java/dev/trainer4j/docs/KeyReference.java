package dev.trainer4j.docs;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.trainer4j.api.Argument;
import dev.trainer4j.api.TrainingArguments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * docs/run-file-keys.md, generated from every module's {@code reference.conf}: one table per settings block
 * ({@code trainer4j.args}, {@code trainer4j.run}, each plugin's {@code trainer4j.plugins.<kind>.<name>}) with every
 * key, its type, its default and its meaning (the key's comment in the file; a key without one takes the comment of a
 * key of the same name in the same file). Argument types come from the {@link TrainingArguments} declarations.
 */
final class KeyReference {
    static final Path FILE = Path.of("run-file-keys.md");

    /** The plugin kinds in the order the reference lists them, with how a run file names a product of each. */
    private static final Map<String, String> KIND_USAGE = kindUsage();

    /** {@code key = value  # comment} on one line; the value may be a quoted string holding a {@code #}. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "\\s*\"?([A-Za-z0-9_-]+)\"?\\s*[=:]\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|\\[[^\\]]*]|\\{[^}]*}|[^#\\[{]*?)\\s*(#.*|//.*)?");

    /** One key of a settings block. */
    record Key(String name, String type, String defaultValue, String meaning) {
        String row() {
            return "| `" + name + "` | " + type + " | " + defaultValue + " | " + meaning + " |";
        }
    }

    /** A settings block: a plugin, the arguments or the run defaults, with its keys in file order. */
    record Block(String path, String module, String kind, String name, String description, List<Key> keys) {
    }

    private KeyReference() {
    }

    private static Map<String, String> kindUsage() {
        Map<String, String> usage = new LinkedHashMap<>();
        usage.put("backends", "backend { type = %s, ... }");
        usage.put("models", "model { type = %s, ... }");
        usage.put("tokenizers", "tokenizer { type = %s, ... }");
        usage.put("datasets", "data { train { type = %s, ... }, eval { type = %s, ... } }");
        usage.put("collators", "collator { type = %s, ... }");
        usage.put("metrics", "metrics = [%s] or metrics = [{ type = %s, ... }]");
        usage.put("callbacks", "callbacks = [%s] or callbacks = [{ type = %s, ... }]");
        return usage;
    }

    /** Every settings block of every reference.conf under {@code root}. */
    static List<Block> blocks(Path root) {
        List<Block> blocks = new ArrayList<>();
        for (Path file : Repository.referenceConfFiles()) {
            String module = root.relativize(file).getName(0).toString().equals("plugins")
                    ? root.relativize(file).subpath(0, 2).toString().replace('\\', '/')
                    : root.relativize(file).getName(0).toString();
            ConfigObject tree = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).root();
            Map<String, String> commentsByName = new LinkedHashMap<>();
            collectComments(tree, commentsByName);
            List<String> lines = Repository.read(file).lines().toList();
            collectBlocks(tree, "", module, commentsByName, lines, blocks);
        }
        blocks.sort(Comparator.comparing(KeyReference::order));
        return blocks;
    }

    /** args, then the run defaults, then the plugins by kind; within a kind the (stable) file and line order. */
    private static String order(Block block) {
        if (block.kind().equals("args")) {
            return "0";
        }
        if (block.kind().equals("run")) {
            return "1";
        }
        int index = new ArrayList<>(KIND_USAGE.keySet()).indexOf(block.kind());
        return index < 0 ? "3" + block.kind() : "2" + index;
    }

    /** The first comment of each leaf key name in the file, for keys that repeat a documented one. */
    private static void collectComments(ConfigObject object, Map<String, String> comments) {
        for (Map.Entry<String, ConfigValue> entry : sorted(object)) {
            ConfigValue value = entry.getValue();
            if (value instanceof ConfigObject child && !child.isEmpty()) {
                collectComments(child, comments);
            }
            else if (!comment(value).isEmpty()) {
                comments.putIfAbsent(entry.getKey(), comment(value));
            }
        }
    }

    private static void collectBlocks(ConfigObject object, String path, String module, Map<String, String> comments,
            List<String> lines, List<Block> blocks) {
        for (Map.Entry<String, ConfigValue> entry : sorted(object)) {
            String childPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            ConfigValue value = entry.getValue();
            String[] parts = childPath.split("\\.");
            boolean pluginBlock = parts.length == 4 && parts[0].equals("trainer4j") && parts[1].equals("plugins");
            boolean settingsBlock = parts.length == 2 && parts[0].equals("trainer4j") && !parts[1].equals("plugins");
            if (pluginBlock || settingsBlock) {
                List<Key> keys = new ArrayList<>();
                if (value instanceof ConfigObject block) {
                    collectKeys(block, "", childPath, comments, lines, keys);
                }
                String kind = pluginBlock ? parts[2] : parts[1];
                String name = pluginBlock ? parts[3] : parts[1];
                blocks.add(new Block(childPath, module, kind, name, comment(value), keys));
            }
            else if (value instanceof ConfigObject child) {
                collectBlocks(child, childPath, module, comments, lines, blocks);
            }
        }
    }

    private static void collectKeys(ConfigObject object, String prefix, String blockPath, Map<String, String> comments,
            List<String> lines, List<Key> keys) {
        for (Map.Entry<String, ConfigValue> entry : sorted(object)) {
            String name = prefix + entry.getKey();
            ConfigValue value = entry.getValue();
            if (value instanceof ConfigObject child && !child.isEmpty()) {
                collectKeys(child, name + ".", blockPath, comments, lines, keys);
                continue;
            }
            String meaning = comment(value);
            if (meaning.isEmpty()) {
                meaning = comments.getOrDefault(entry.getKey(), "");
            }
            String written = written(lines, entry.getKey(), value);
            keys.add(new Key(name, type(blockPath, name, value, written), "`" + written + "`", cell(meaning)));
        }
    }

    /** The entries of an object in the order of their lines in the file. */
    private static List<Map.Entry<String, ConfigValue>> sorted(ConfigObject object) {
        return object.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> entry) -> entry.getValue().origin().lineNumber())
                        .thenComparing(Map.Entry::getKey))
                .toList();
    }

    private static String comment(ConfigValue value) {
        return value.origin().comments().stream().map(String::strip).collect(Collectors.joining(" ")).strip();
    }

    /**
     * The default as written in the file ({@code 5e-5}, not {@code 5.0E-5}) when the value is on its key's line, else as
     * Typesafe Config renders it.
     */
    private static String written(List<String> lines, String key, ConfigValue value) {
        int line = value.origin().lineNumber();
        if (line >= 1 && line <= lines.size()) {
            Matcher matcher = ASSIGNMENT.matcher(lines.get(line - 1));
            if (matcher.matches() && matcher.group(1).equals(key)) {
                return matcher.group(2).strip();
            }
        }
        return value.render(ConfigRenderOptions.concise().setJson(false));
    }

    private static String type(String blockPath, String name, ConfigValue value, String written) {
        if (blockPath.equals(TrainingArguments.CONFIG_PATH)) {
            Optional<Argument<?>> argument = TrainingArguments.argument(name);
            if (argument.isPresent()) {
                return argumentType(argument.get());
            }
        }
        return switch (value.valueType()) {
            case BOOLEAN -> "boolean";
            case NUMBER -> written.matches("-?[0-9]+") ? "integer" : "number";
            case STRING -> "string";
            case LIST -> "list";
            case OBJECT -> "object";
            case NULL -> "(no default)";
        };
    }

    private static String argumentType(Argument<?> argument) {
        String type = switch (argument.kind()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            case INTEGER -> "integer";
            case CHOICE -> "one of " + argument.choices().stream().map(choice -> "`" + choice + "`")
                    .collect(Collectors.joining(", "));
            case STRING_LIST -> "list of strings";
            case OBJECT -> "object";
        };
        return argument.nullable() ? type + " or null" : type;
    }

    /** Text for a Markdown table cell: no pipes, no raw HTML, no accidental emphasis. */
    static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("*", "\\*");
    }

    /** The whole of docs/run-file-keys.md. */
    static String render(Path root) {
        StringBuilder out = new StringBuilder();
        out.append("<!-- GENERATED from every module's src/main/resources/reference.conf by docs-tests' KeyReference;"
                + " do not edit. Regenerate: ").append(Repository.REGENERATE_COMMAND).append(" -->\n\n");
        out.append("# Run-file key reference\n\n");
        out.append("Every setting of every bundled module, with its type, its default and its meaning, generated from the\n"
                + "`reference.conf` files (where the defaults live) so it cannot drift from the code. A run file holds only\n"
                + "overrides: see [Run files](run-files.md) for the structure. A plugin block accepts exactly the keys listed\n"
                + "for its plugin, plus `type`.\n\n");
        List<Block> blocks = blocks(root);
        out.append("Contents: [args](#args-trainingarguments) · [run defaults](#run-defaults-trainer4jrun)");
        for (String kind : KIND_USAGE.keySet()) {
            if (blocks.stream().anyMatch(block -> block.kind().equals(kind))) {
                out.append(" · [").append(kind).append("](#").append(kind).append(")");
            }
        }
        out.append("\n");
        String currentKind = "";
        for (Block block : blocks) {
            if (block.kind().equals("args")) {
                out.append("\n## args (TrainingArguments)\n\n");
                out.append("From `").append(block.module()).append("`, `").append(block.path()).append("`. In a run file: `args { key = value }`;"
                        + " Hugging Face's snake_case names are accepted too (see [From Hugging Face](from-hugging-face.md)).\n");
                appendIntro(out, block);
                appendTable(out, block);
                continue;
            }
            if (block.kind().equals("run")) {
                out.append("\n## Run defaults (trainer4j.run)\n\n");
                out.append("From `").append(block.module()).append("`, `").append(block.path()).append("`: `backend` is the backend of a run file"
                        + " without a `backend` block, `text-field` the default of `data.text-field`, and `init-from.*` the"
                        + " defaults of a run file's `init-from` block.\n");
                appendIntro(out, block);
                appendTable(out, block);
                continue;
            }
            if (!block.path().startsWith("trainer4j.plugins.")) {
                out.append("\n## ").append(block.path()).append("\n\nFrom `").append(block.module()).append("`.\n");
                appendIntro(out, block);
                appendTable(out, block);
                continue;
            }
            if (!block.kind().equals(currentKind)) {
                currentKind = block.kind();
                out.append("\n## ").append(currentKind).append("\n");
            }
            out.append("\n### ").append(block.kind()).append(": ").append(block.name()).append("\n\n");
            String usage = KIND_USAGE.getOrDefault(block.kind(), "trainer4j.plugins." + block.kind() + ".%s");
            out.append("From `").append(block.module()).append("`, `").append(block.path()).append("`. In a run file: `")
                    .append(usage.replace("%s", block.name())).append("`.\n");
            appendIntro(out, block);
            appendTable(out, block);
        }
        return out.toString();
    }

    private static void appendIntro(StringBuilder out, Block block) {
        if (!block.description().isEmpty()) {
            out.append("\n").append(cell(block.description())).append("\n");
        }
    }

    private static void appendTable(StringBuilder out, Block block) {
        if (block.keys().isEmpty()) {
            out.append("\nNo settings.\n");
            return;
        }
        out.append("\n| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Key key : block.keys()) {
            out.append(key.row()).append("\n");
        }
    }

    /** Every key of every block as {@code <block path>.<key>}, for the missing-entry check. */
    static Map<String, Key> allKeys(Path root) {
        Map<String, Key> keys = new LinkedHashMap<>();
        for (Block block : blocks(root)) {
            for (Key key : block.keys()) {
                keys.put(block.path() + "." + key.name(), key);
            }
        }
        return keys;
    }
}
