package dev.trainer4j.data.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SortishSamplerTest {

    /**
     * Ten examples, batch size 3: one chunk (50 * 3 >= 10), so after sorting by length, longest first, the batches are
     * by hand {1, 6, 3} (lengths 9, 8, 7), {8, 4, 7} (6, 5, 4), {0, 5, 2} (3, 2, 1) and {9} (0), whatever the
     * permutation. The first holds the longest example and comes first; the others follow whole, in a random order.
     */
    @Test
    void batchesOfSimilarLengthLongestFirstTheRestInARandomOrder() {
        int[] lengths = {3, 9, 1, 7, 5, 2, 8, 4, 6, 0};
        SortishSampler sampler = new SortishSampler(lengths, 3, 11);
        List<List<Integer>> expectedBatches = List.of(List.of(8, 4, 7), List.of(0, 5, 2), List.of(9));
        Set<List<List<Integer>>> orders = new HashSet<>();
        for (int epoch = 0; epoch < 8; epoch++) {
            int[] order = sampler.order(epoch);
            assertThat(order).containsExactly(sampler.order(epoch));
            assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(new int[] {order[0], order[1], order[2]}).containsExactly(1, 6, 3);
            List<List<Integer>> rest = new ArrayList<>();
            int i = 3;
            while (i < order.length) {
                List<Integer> batch = new ArrayList<>();
                int size = order[i] == 9 ? 1 : 3;
                for (int k = 0; k < size; k++) {
                    batch.add(order[i++]);
                }
                rest.add(batch);
            }
            assertThat(rest).containsExactlyInAnyOrderElementsOf(expectedBatches);
            orders.add(rest);
        }
        assertThat(orders).as("the batch order changes across epochs").hasSizeGreaterThan(1);
    }

    @Test
    void chunksOfFiftyBatchesAreSortedSeparately() {
        // batch size 1: chunks of 50 examples; 120 examples of length = index: each chunk is sorted on its own, so
        // the longest (119) comes first, and the order is not globally sorted
        int[] lengths = new int[120];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = i;
        }
        int[] order = new SortishSampler(lengths, 1, 3).order(0);
        assertThat(order[0]).isEqualTo(119);
        assertThat(order).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 120).toArray());
    }
}
