package dev.trainer4j.api;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What {@link Trainer#generate} returns.
 *
 * @param sequences the generated token ids, INT32 [rows, longest], right-padded with the pad id: only the new tokens
 *     (not the prompt of a decoder-only model, not the start token of an encoder-decoder), ending with the eos id
 *     when one was generated
 * @param lengths per row, the number of generated tokens (the row without its padding)
 * @param texts the decoded text per row (special tokens skipped) when the run has a tokenizer, else empty
 */
public record GenerationOutput(HostTensor sequences, List<Integer> lengths, List<String> texts) {
    public GenerationOutput {
        requireNonNull(sequences, "sequences is null");
        lengths = List.copyOf(requireNonNull(lengths, "lengths is null"));
        texts = List.copyOf(requireNonNull(texts, "texts is null"));
    }
}
