package dev.trainer4j.tf;

import dev.trainer4j.api.Model;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;

import java.util.List;
import java.util.Map;

/**
 * A model for the TensorFlow backend: builds its forward pass into the run's graph from named input placeholders.
 *
 * <p>The trainer calls {@link #build} once for training (dropout on) and once for evaluation (dropout off); both
 * calls get the same variables, because {@link TfModelScope#variable} returns the existing variable for a name it
 * has seen. When the inputs hold the labels the model returns its loss as the <b>sum</b> of per-item losses and the
 * <b>number of label items</b> (items labelled -100 do not count), see {@link ModelOutput}.
 */
public interface TfModel extends Model {

    /**
     * Builds the forward pass.
     *
     * @param scope where to create variables and ops (name scope, training flag, randomness)
     * @param inputs one placeholder per declared input present in the batch, by name; labels are present only
     *        when the batch has them
     */
    ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs);

    /**
     * True when every row of a batch is computed on its own: a row's outputs and loss terms depend only on that
     * row (no batch statistics, no in-batch negatives, no loss that couples rows). Only then may the backend split a
     * training batch into row slices ("towers", {@code train-towers}) whose forward and backward passes run side
     * by side on separate cores; it then builds the model once per tower, and the loss sums and item counts of
     * the towers are added. The default is false, which keeps every batch whole.
     */
    default boolean rowIndependent() {
        return false;
    }

    /**
     * Globs over this model's variable names ({@code *} matches any characters, {@code /} included; {@code ?} one)
     * of the variables that do not train: they get no gradient, no update and no optimizer slots. Each glob must
     * match a variable, or building the run fails naming it (setting key {@code freeze}). Default: none.
     */
    default List<String> frozenVariables() {
        return List.of();
    }

    /**
     * The factor on the run's learning rate for the variable {@code variable} (e.g. layer-wise learning-rate decay),
     * > 0. Default: 1 for every variable.
     */
    default double learningRateMultiplier(String variable) {
        return 1;
    }
}
