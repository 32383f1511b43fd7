package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;

import java.util.HashSet;
import java.util.List;

/**
 * How a class appears in a result key: its name from {@code class-names} (index = class id), else
 * {@code class_<id>}. Per-class results are keyed {@code <metric>_<class>} (e.g. {@code f1_class_3} or
 * {@code f1_spam}), confusion-matrix cells {@code confusion-matrix/<true class>/<predicted class>}.
 */
final class ClassNames {
    private ClassNames() {
    }

    /** Checks a {@code class-names} list: non-blank, distinct names without '/' (the key separator). */
    static List<String> validate(String key, List<String> names) {
        if (new HashSet<>(names).size() != names.size()) {
            throw new ConfigurationException(key, names, "distinct class names");
        }
        for (String name : names) {
            if (name.isBlank() || name.contains("/")) {
                throw new ConfigurationException(key, names, "non-blank class names without '/'");
            }
        }
        return List.copyOf(names);
    }

    static String token(String metric, List<String> names, int id) {
        if (names.isEmpty()) {
            return "class_" + id;
        }
        if (id >= names.size()) {
            throw new DataException(metric + ": class " + id + " occurred but class-names has only " + names.size()
                    + " names " + names + "; expected a name for every class id");
        }
        return names.get(id);
    }
}
