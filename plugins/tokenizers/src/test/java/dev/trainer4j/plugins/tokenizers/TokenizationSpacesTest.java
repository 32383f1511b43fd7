package dev.trainer4j.plugins.tokenizers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** transformers' documented clean_up_tokenization replacements, one worked example each. */
class TokenizationSpacesTest {

    @Test
    void eachReplacementOfTheFixedList() {
        assertThat(TokenizationSpaces.cleanUp("the end .")).isEqualTo("the end.");
        assertThat(TokenizationSpaces.cleanUp("really ?")).isEqualTo("really?");
        assertThat(TokenizationSpaces.cleanUp("wow !")).isEqualTo("wow!");
        assertThat(TokenizationSpaces.cleanUp("one , two")).isEqualTo("one, two");
        assertThat(TokenizationSpaces.cleanUp("rock ' n roll")).isEqualTo("rock'n roll");
        assertThat(TokenizationSpaces.cleanUp("do n't")).isEqualTo("don't");
        assertThat(TokenizationSpaces.cleanUp("I 'm")).isEqualTo("I'm");
        assertThat(TokenizationSpaces.cleanUp("it 's")).isEqualTo("it's");
        assertThat(TokenizationSpaces.cleanUp("we 've")).isEqualTo("we've");
        assertThat(TokenizationSpaces.cleanUp("they 're")).isEqualTo("they're");
    }

    @Test
    void leavesOtherSpacesAlone() {
        assertThat(TokenizationSpaces.cleanUp("a : b ; c ( d ) \"e\"")).isEqualTo("a : b ; c ( d ) \"e\"");
        // not in transformers' list (the Rust WordPiece decoder's own clean-up has it; transformers' does not)
        assertThat(TokenizationSpaces.cleanUp("I do not")).isEqualTo("I do not");
        assertThat(TokenizationSpaces.cleanUp("")).isEmpty();
    }

    @Test
    void appliesTheReplacementsInOrder() {
        // " ' " goes before " 's": "it ' s" -> "it's" by the quote rule, then nothing else matches
        assertThat(TokenizationSpaces.cleanUp("it ' s . ok , fine !")).isEqualTo("it's. ok, fine!");
    }
}
