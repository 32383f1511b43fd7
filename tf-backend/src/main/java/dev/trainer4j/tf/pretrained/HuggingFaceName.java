package dev.trainer4j.tf.pretrained;

import static java.util.Objects.requireNonNull;

/**
 * One model variable and the name of the same parameter in Hugging Face's PyTorch model.
 *
 * @param variable the trainer4j variable name (as in checkpoints), e.g. {@code bert/encoder/layer_0/attention/query/kernel}
 * @param huggingFaceName HF's parameter name, e.g. {@code encoder.layer.0.attention.self.query.weight}
 * @param transposed true when HF stores the transpose of the variable: a torch {@code Linear} weight is
 *        {@code [out, in]} where trainer4j's kernel is {@code [in, out]}
 */
public record HuggingFaceName(String variable, String huggingFaceName, boolean transposed) {
    public HuggingFaceName {
        requireNonNull(variable, "variable is null");
        requireNonNull(huggingFaceName, "huggingFaceName is null");
        if (variable.isBlank() || huggingFaceName.isBlank()) {
            throw new IllegalArgumentException("a variable and its Hugging Face name must not be blank: '"
                    + variable + "' -> '" + huggingFaceName + "'");
        }
    }
}
