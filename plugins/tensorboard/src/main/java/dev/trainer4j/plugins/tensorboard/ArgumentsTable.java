package dev.trainer4j.plugins.tensorboard;

import java.util.Map;

/** The run's arguments as a two-column markdown table, which TensorBoard's Text tab renders. */
final class ArgumentsTable {
    private ArgumentsTable() {
    }

    static String markdown(Map<String, Object> arguments) {
        StringBuilder table = new StringBuilder("| argument | value |\n|---|---|\n");
        for (Map.Entry<String, Object> entry : arguments.entrySet()) {
            table.append("| ").append(cell(entry.getKey())).append(" | ").append(cell(String.valueOf(entry.getValue())))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
