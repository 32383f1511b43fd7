package dev.trainer4j.data.internal;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LengthGroupedSamplerTest {
    /** Length of example i; all distinct so every sort is unambiguous. */
    private static final int[] LENGTHS = {5, 12, 3, 8, 1, 15, 7, 2, 10, 6, 4, 11, 9, 14, 0, 13};

    @Test
    void megabatchSizeFollowsHf() {
        // min(n // (4 * group), 50) * group, at least one group
        assertThat(new LengthGroupedSampler(new int[16], 2, 7).megabatchSize()).isEqualTo(4);
        assertThat(new LengthGroupedSampler(new int[24], 4, 7).megabatchSize()).isEqualTo(4);
        assertThat(new LengthGroupedSampler(new int[24], 2, 7).megabatchSize()).isEqualTo(6);
        assertThat(new LengthGroupedSampler(new int[10], 4, 7).megabatchSize()).isEqualTo(4);
        assertThat(new LengthGroupedSampler(new int[100_000], 8, 7).megabatchSize()).isEqualTo(400);
    }

    @Test
    void epochZeroSortsEachMegabatchLongestFirst() {
        // the permutation RandomSampler draws for (seed 7, epoch 0), cut into megabatches of 4 (n = 16, group 2)
        assertThat(new RandomSampler(16, 7).order(0)).containsExactly(15, 8, 5, 9, 3, 1, 7, 6, 13, 10, 0, 12, 4, 2, 11, 14);
        // [15:13 8:10 5:15 9:6]  -> 5 15 8 9
        // [3:8 1:12 7:2 6:7]     -> 1 3 6 7
        // [13:14 10:4 0:5 12:9]  -> 13 12 0 10
        // [4:1 2:3 11:11 14:0]   -> 11 2 4 14
        // the longest example (5, length 15) already leads the first megabatch: no swap
        int[] order = new LengthGroupedSampler(LENGTHS, 2, 7).order(0);
        assertThat(order).containsExactly(5, 15, 8, 9, 1, 3, 6, 7, 13, 12, 0, 10, 11, 2, 4, 14);
        assertThat(LENGTHS[order[0]]).isEqualTo(15);
        for (int start = 0; start < 16; start += 4) {
            int[] lengths = IntStream.range(start, start + 4).map(i -> LENGTHS[order[i]]).toArray();
            assertThat(lengths).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        }
    }

    @Test
    void theLongestExampleIsSwappedToTheFrontAsHfDoes() {
        assertThat(new RandomSampler(16, 7).order(1)).containsExactly(7, 9, 0, 12, 4, 1, 3, 11, 8, 15, 2, 14, 6, 10, 13, 5);
        // sorted megabatches: [12 9 0 7] [1 11 3 4] [15 8 2 14] [5 13 6 10]; the longest (5, length 15) leads the last,
        // so HF swaps the first elements of the first and the last megabatch: 5 <-> 12
        int[] order = new LengthGroupedSampler(LENGTHS, 2, 7).order(1);
        assertThat(order).containsExactly(5, 9, 0, 7, 1, 11, 3, 4, 15, 8, 2, 14, 12, 13, 6, 10);
        // the first batch (2 examples) holds the longest example
        assertThat(LENGTHS[order[0]]).isEqualTo(Arrays.stream(LENGTHS).max().getAsInt());
    }

    @Test
    void everyIndexOnceReproduciblePerSeedAndEpochDifferentAcrossEpochs() {
        int[] lengths = new SplittableLengths(1000).values;
        LengthGroupedSampler sampler = new LengthGroupedSampler(lengths, 8, 3);
        int[] epoch0 = sampler.order(0);
        assertThat(Arrays.stream(epoch0).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(new LengthGroupedSampler(lengths, 8, 3).order(0)).isEqualTo(epoch0);
        assertThat(sampler.order(1)).isNotEqualTo(epoch0);
        assertThat(new LengthGroupedSampler(lengths, 8, 4).order(0)).isNotEqualTo(epoch0);
        int max = Arrays.stream(lengths).max().getAsInt();
        assertThat(lengths[epoch0[0]]).isEqualTo(max);
        // megabatches of min(1000 // 32, 50) * 8 = 248; each sorted longest first except at the swapped-out front
        int megabatch = sampler.megabatchSize();
        assertThat(megabatch).isEqualTo(248);
        for (int start = 0; start < 1000; start += megabatch) {
            int[] part = IntStream.range(start + 1, Math.min(start + megabatch, 1000)).map(i -> lengths[epoch0[i]]).toArray();
            assertThat(part).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        }
    }

    @Test
    void tinyAndEmptyDatasets() {
        assertThat(new LengthGroupedSampler(new int[0], 4, 1).order(0)).isEmpty();
        // 3 examples, group 4: one megabatch of at most 4, sorted longest first
        assertThat(new LengthGroupedSampler(new int[] {1, 3, 2}, 4, 1).order(5)).containsExactly(1, 2, 0);
        assertThatThrownBy(() -> new LengthGroupedSampler(new int[3], 0, 1)).hasMessageContaining("must be > 0, got 0");
    }

    /** Pseudo-random lengths in [0, 512). */
    private static final class SplittableLengths {
        final int[] values;

        SplittableLengths(int size) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(11);
            values = random.ints(size, 0, 512).toArray();
        }
    }
}
