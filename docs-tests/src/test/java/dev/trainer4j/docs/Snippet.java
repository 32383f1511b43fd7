package dev.trainer4j.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fenced code block of a Markdown file under docs/: its language (the info string's first word), its text and
 * where it starts, for messages ({@code docs/embedding.md:42}).
 */
record Snippet(Path file, int line, String language, String text) {

    String where() {
        return Repository.root().relativize(file) + ":" + line;
    }

    /** Every fenced block (```lang ... ```) of {@code markdown}, in order. */
    static List<Snippet> of(Path file, String markdown) {
        List<Snippet> snippets = new ArrayList<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```") || line.strip().equals("```")) {
                continue;
            }
            String language = line.substring(3).strip().split("\\s+")[0];
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("```")) {
                text.append(lines.get(i)).append('\n');
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalStateException(file + ":" + start + ": a code block that never closes");
            }
            snippets.add(new Snippet(file, start, language, text.toString()));
        }
        return snippets;
    }
}
