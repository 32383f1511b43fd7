package dev.trainer4j.plugins.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splitting as Python's {@code str.split()}: its whitespace is {@code str.isspace()} (listed with Python 3.11 as every
 * code point c with {@code chr(c).isspace()}), which differs from Java's {@link Character#isWhitespace(int)}.
 */
class PythonWhitespaceTest {

    @Test
    void splitsOnPythonsWhitespaceOnly() {
        // no-break space U+00A0, thin space U+2009, ideographic space U+3000 and the separator U+001C are whitespace to
        // Python (Java's Character.isWhitespace says no to U+00A0); the zero-width space U+200B is not
        assertThat(Character.isWhitespace(0xA0)).isFalse();
        assertThat(PythonWhitespace.split(" a\u00a0b\u2009c\u3000d\u001ce\u200bf \t\n"))
                .containsExactly("a", "b", "c", "d", "e\u200bf");
        assertThat(PythonWhitespace.split("")).isEmpty();
        assertThat(PythonWhitespace.collapse("  x \n y ")).isEqualTo("x y");
        assertThat(PythonWhitespace.remove("a b\u00a0c")).isEqualTo("abc");
    }

    @Test
    void stripsTrailingWhitespaceOnly() {
        assertThat(PythonWhitespace.stripTrailing("  text \u00a0\u2028\n")).isEqualTo("  text");
        assertThat(PythonWhitespace.stripTrailing("😀 ")).isEqualTo("😀");
    }
}
