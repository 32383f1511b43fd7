package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfVariable;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies a model's {@link TfModel#frozenVariables() freeze globs}: {@code *} matches any run of characters
 * ({@code /} included), {@code ?} one character, everything else itself; a glob matches a whole variable name.
 */
final class TfFrozenVariables {
    private TfFrozenVariables() {
    }

    /**
     * The variables of {@code dependedOn} that no glob of the model matches.
     *
     * @param all every variable of the model; each glob must match one of them
     * @throws ConfigurationException (key {@code freeze}) naming a glob that matches no variable, or when every
     *         variable the loss depends on is frozen
     */
    static List<TfVariable> withoutFrozen(TfModel model, List<TfVariable> all, List<TfVariable> dependedOn) {
        List<String> globs = List.copyOf(model.frozenVariables());
        if (globs.isEmpty()) {
            return dependedOn;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : globs) {
            Pattern pattern = toPattern(glob);
            if (all.stream().noneMatch(variable -> pattern.matcher(variable.name()).matches())) {
                throw new ConfigurationException("freeze", "freeze: the glob '" + glob + "' matches no variable of"
                        + " model '" + model.name() + "'; its variables are " + all.stream().map(TfVariable::name).toList());
            }
            patterns.add(pattern);
        }
        List<TfVariable> trainable = dependedOn.stream()
                .filter(variable -> patterns.stream().noneMatch(pattern -> pattern.matcher(variable.name()).matches()))
                .toList();
        if (trainable.isEmpty()) {
            throw new ConfigurationException("freeze", "freeze: " + globs + " freezes every variable the loss of model '"
                    + model.name() + "' depends on; expected at least one variable left to train");
        }
        return trainable;
    }

    static Pattern toPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }
}
