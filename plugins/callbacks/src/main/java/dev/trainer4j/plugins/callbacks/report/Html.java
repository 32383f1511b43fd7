package dev.trainer4j.plugins.callbacks.report;

/** Escaping for report.html: text and attributes, and a URL scheme's {@code ://} so the page names no address. */
final class Html {
    private Html() {
    }

    /**
     * Escapes {@code & < > " '} and writes {@code ://} as {@code &#58;//}: the page reads the same, but holds no
     * {@code http://} or {@code https://} even when a value contains one.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case ':' -> out.append(text.startsWith("//", i + 1) ? "&#58;" : ":");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * JSON text made safe inside {@code <script type="application/json">}: {@code < > &} become {@code \}u escapes and
     * {@code ://} becomes {@code :\/\/}; {@code JSON.parse} reads the same value. These characters occur only inside
     * JSON strings, so the rewrite never touches the structure.
     */
    static String scriptJson(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("://", ":\\/\\/");
    }
}
