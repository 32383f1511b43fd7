package dev.trainer4j.bench.transformer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticTextTest {
    @Test
    void labelOneExactlyWhenTheSignalTokenAppearsAndPaddingIsMasked() {
        SyntheticText text = SyntheticText.generate(200, 64, 8000, 42);
        for (int row = 0; row < text.samples(); row++) {
            boolean signal = false;
            for (int position = 0; position < 64; position++) {
                int id = text.ids()[row * 64 + position];
                int mask = text.mask()[row * 64 + position];
                assertThat(mask == 0).isEqualTo(id == 0);
                signal |= id == 7;
            }
            assertThat(text.labels()[row]).isEqualTo(signal ? 1 : 0);
            assertThat(text.ids()[row * 64]).isEqualTo(2);
        }
    }

    @Test
    void theFileHoldsTheSameArrays(@TempDir Path directory) throws IOException {
        SyntheticText text = SyntheticText.generate(10, 16, 100, 7);
        Path file = directory.resolve("text.bin");
        text.write(file);
        SyntheticText read = SyntheticText.read(file);
        assertThat(read.ids()).isEqualTo(text.ids());
        assertThat(read.mask()).isEqualTo(text.mask());
        assertThat(read.labels()).isEqualTo(text.labels());
        assertThat(read.rows(read.labels(), 2, 3)).containsExactly(text.labels()[2], text.labels()[3], text.labels()[4]);
    }
}
