package dev.trainer4j.plugins.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The edit count of TER as sacreBLEU 2.x's {@code lib_ter.translation_edit_rate} computes it (Tercom's algorithm):
 * greedily apply the block shift of the hypothesis that lowers the word edit distance the most (blocks of at most
 * 10 words, moved at most 50 positions, ranked by the gain, then the longer block, then the earlier start, then the
 * earlier target), until no shift helps or 1000 candidate shifts have been tried; the edits are the shifts plus the
 * final insertions, deletions and substitutions. The edit distance is sacreBLEU's beam search around the diagonal
 * (width 25).
 */
final class TranslationEditRate {
    private static final int MAX_SHIFT_SIZE = 10;
    private static final int MAX_SHIFT_DISTANCE = 50;
    private static final int BEAM_WIDTH = 25;
    private static final int MAX_SHIFT_CANDIDATES = 1000;
    private static final long INFINITY = 10_000_000_000_000_000L;
    private static final int ABSENT = Integer.MIN_VALUE;

    private static final char INSERTION = 'i';
    private static final char DELETION = 'd';
    private static final char MATCH = ' ';
    private static final char SUBSTITUTION = 's';
    private static final char UNDEFINED = 'x';

    private TranslationEditRate() {
    }

    /** The number of edits (shifts included) that turn the hypothesis into the reference. */
    static long edits(List<String> hypothesis, List<String> reference) {
        if (reference.isEmpty()) {
            return hypothesis.size();
        }
        EditDistance editDistance = new EditDistance(reference);
        long shifts = 0;
        List<String> input = hypothesis;
        int[] checkedCandidates = {0};
        while (true) {
            Shift shift = bestShift(input, reference, editDistance, checkedCandidates);
            if (checkedCandidates[0] >= MAX_SHIFT_CANDIDATES || shift.gain() <= 0) {
                break;
            }
            shifts++;
            input = shift.words();
        }
        return shifts + editDistance.compute(input).distance();
    }

    private record Shift(long gain, List<String> words) {
    }

    private record Alignment(int[] referenceToHypothesis, int[] referenceErrors, int[] hypothesisErrors) {
    }

    private static Shift bestShift(List<String> hypothesis, List<String> reference, EditDistance editDistance,
                                   int[] checkedCandidates) {
        Result before = editDistance.compute(hypothesis);
        Alignment alignment = align(flip(before.trace()), reference.size(), hypothesis.size());
        int[] align = alignment.referenceToHypothesis();
        long bestGain = 0;
        int bestLength = 0;
        int bestStart = 0;
        int bestTarget = 0;
        List<String> bestWords = null;
        for (int[] pair : shiftedPairs(hypothesis, reference)) {
            int startHypothesis = pair[0];
            int startReference = pair[1];
            int length = pair[2];
            if (sum(alignment.hypothesisErrors(), startHypothesis, length) == 0
                    || sum(alignment.referenceErrors(), startReference, length) == 0) {
                continue;
            }
            int aligned = align[startReference];
            if (startHypothesis <= aligned && aligned < startHypothesis + length) {
                continue;
            }
            int previousTarget = -1;
            for (int offset = -1; offset < length; offset++) {
                int target;
                int position = startReference + offset;
                if (position == -1) {
                    target = 0;
                } else if (position < align.length && align[position] != ABSENT) {
                    target = align[position] + 1;
                } else {
                    break;
                }
                if (target == previousTarget) {
                    continue;
                }
                previousTarget = target;
                List<String> shifted = performShift(hypothesis, startHypothesis, length, target);
                long gain = before.distance() - editDistance.compute(shifted).distance();
                checkedCandidates[0]++;
                boolean better = bestWords == null || gain > bestGain
                        || (gain == bestGain && (length > bestLength
                        || (length == bestLength && (startHypothesis < bestStart
                        || (startHypothesis == bestStart && target < bestTarget)))));
                if (better) {
                    bestGain = gain;
                    bestLength = length;
                    bestStart = startHypothesis;
                    bestTarget = target;
                    bestWords = shifted;
                }
            }
            if (checkedCandidates[0] >= MAX_SHIFT_CANDIDATES) {
                break;
            }
        }
        return bestWords == null ? new Shift(0, hypothesis) : new Shift(bestGain, bestWords);
    }

    private static int sum(int[] values, int start, int length) {
        int total = 0;
        for (int index = start; index < Math.min(values.length, start + length); index++) {
            total += values[index];
        }
        return total;
    }

    /** Equal word runs (hypothesis start, reference start, length) at different starts, in sacreBLEU's order. */
    private static List<int[]> shiftedPairs(List<String> hypothesis, List<String> reference) {
        List<int[]> pairs = new ArrayList<>();
        int hypothesisLength = hypothesis.size();
        int referenceLength = reference.size();
        for (int startHypothesis = 0; startHypothesis < hypothesisLength; startHypothesis++) {
            for (int startReference = 0; startReference < referenceLength; startReference++) {
                if (Math.abs(startReference - startHypothesis) > MAX_SHIFT_DISTANCE) {
                    continue;
                }
                int length = 0;
                while (hypothesis.get(startHypothesis + length).equals(reference.get(startReference + length))
                        && length < MAX_SHIFT_SIZE) {
                    length++;
                    pairs.add(new int[] {startHypothesis, startReference, length});
                    if (hypothesisLength == startHypothesis + length || referenceLength == startReference + length) {
                        break;
                    }
                }
            }
        }
        return pairs;
    }

    /** sacreBLEU's {@code _perform_shift}: moves words[start, start + length) to before position target. */
    static List<String> performShift(List<String> words, int start, int length, int target) {
        List<String> shifted = new ArrayList<>(words.size());
        if (target < start) {
            shifted.addAll(slice(words, 0, target));
            shifted.addAll(slice(words, start, start + length));
            shifted.addAll(slice(words, target, start));
            shifted.addAll(slice(words, start + length, words.size()));
        } else if (target > start + length) {
            shifted.addAll(slice(words, 0, start));
            shifted.addAll(slice(words, start + length, target));
            shifted.addAll(slice(words, start, start + length));
            shifted.addAll(slice(words, target, words.size()));
        } else {
            shifted.addAll(slice(words, 0, start));
            shifted.addAll(slice(words, start + length, length + target));
            shifted.addAll(slice(words, start, start + length));
            shifted.addAll(slice(words, length + target, words.size()));
        }
        return shifted;
    }

    /** Python's {@code words[from:to]} for non-negative bounds: clamped to the list. */
    private static List<String> slice(List<String> words, int from, int to) {
        int end = Math.min(to, words.size());
        int begin = Math.min(from, end);
        return words.subList(begin, end);
    }

    /** Rewriting the reference into the hypothesis instead: insertions and deletions swap. */
    private static String flip(String trace) {
        StringBuilder flipped = new StringBuilder(trace.length());
        for (int index = 0; index < trace.length(); index++) {
            char operation = trace.charAt(index);
            flipped.append(operation == INSERTION ? DELETION : operation == DELETION ? INSERTION : operation);
        }
        return flipped.toString();
    }

    /** sacreBLEU's {@code trace_to_alignment}. */
    private static Alignment align(String trace, int referenceLength, int hypothesisLength) {
        int hypothesisPosition = -1;
        int referencePosition = -1;
        int[] align = new int[referenceLength];
        Arrays.fill(align, ABSENT);
        int[] referenceErrors = new int[referenceLength];
        int[] hypothesisErrors = new int[hypothesisLength];
        for (int index = 0; index < trace.length(); index++) {
            char operation = trace.charAt(index);
            switch (operation) {
                case MATCH, SUBSTITUTION -> {
                    hypothesisPosition++;
                    referencePosition++;
                    align[referencePosition] = hypothesisPosition;
                    int error = operation == SUBSTITUTION ? 1 : 0;
                    hypothesisErrors[hypothesisPosition] = error;
                    referenceErrors[referencePosition] = error;
                }
                case INSERTION -> {
                    hypothesisPosition++;
                    hypothesisErrors[hypothesisPosition] = 1;
                }
                case DELETION -> {
                    referencePosition++;
                    align[referencePosition] = hypothesisPosition;
                    referenceErrors[referencePosition] = 1;
                }
                default -> throw new IllegalStateException("unknown edit operation '" + operation + "'");
            }
        }
        return new Alignment(align, referenceErrors, hypothesisErrors);
    }

    private record Result(long distance, String trace) {
    }

    /**
     * sacreBLEU's {@code BeamEditDistance} against one reference. Row i of the matrix depends only on the first i
     * hypothesis words (every hypothesis of one call has the same length, so the same beam), so a hypothesis reuses
     * the rows of the last one for their common prefix, as sacreBLEU's prefix cache does.
     */
    private static final class EditDistance {
        private final List<String> reference;
        private List<String> previous = List.of();
        private long[][] previousCost;
        private char[][] previousOperation;

        EditDistance(List<String> reference) {
            this.reference = reference;
        }

        Result compute(List<String> hypothesis) {
            int hypothesisLength = hypothesis.size();
            int referenceLength = reference.size();
            long[][] cost = new long[hypothesisLength + 1][];
            char[][] operation = new char[hypothesisLength + 1][];
            int shared = 0;
            if (previous.size() == hypothesisLength) {
                while (shared < hypothesisLength && hypothesis.get(shared).equals(previous.get(shared))) {
                    shared++;
                }
            }
            if (previousCost != null && previous.size() == hypothesisLength) {
                for (int i = 0; i <= shared; i++) {
                    cost[i] = previousCost[i];
                    operation[i] = previousOperation[i];
                }
            } else {
                shared = 0;
                cost[0] = new long[referenceLength + 1];
                operation[0] = new char[referenceLength + 1];
                for (int j = 0; j <= referenceLength; j++) {
                    cost[0][j] = j;
                    operation[0][j] = INSERTION;
                }
            }
            for (int i = shared + 1; i <= hypothesisLength; i++) {
                cost[i] = new long[referenceLength + 1];
                operation[i] = new char[referenceLength + 1];
                Arrays.fill(cost[i], INFINITY);
                Arrays.fill(operation[i], UNDEFINED);
            }
            double lengthRatio = hypothesisLength > 0 ? (double) referenceLength / hypothesisLength : 1;
            int beamWidth = BEAM_WIDTH < lengthRatio / 2 ? (int) Math.ceil(lengthRatio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
            for (int i = shared + 1; i <= hypothesisLength; i++) {
                int pseudoDiagonal = (int) Math.floor(i * lengthRatio);
                int minJ = Math.max(0, pseudoDiagonal - beamWidth);
                int maxJ = i == hypothesisLength ? referenceLength + 1
                        : Math.min(referenceLength + 1, pseudoDiagonal + beamWidth);
                for (int j = minJ; j < maxJ; j++) {
                    if (j == 0) {
                        cost[i][j] = cost[i - 1][j] + 1;
                        operation[i][j] = DELETION;
                        continue;
                    }
                    boolean same = hypothesis.get(i - 1).equals(reference.get(j - 1));
                    // Tercom prefers match/substitution, then (in the flipped trace) insertion, then deletion
                    long diagonal = cost[i - 1][j - 1] + (same ? 0 : 1);
                    if (cost[i][j] > diagonal) {
                        cost[i][j] = diagonal;
                        operation[i][j] = same ? MATCH : SUBSTITUTION;
                    }
                    long up = cost[i - 1][j] + 1;
                    if (cost[i][j] > up) {
                        cost[i][j] = up;
                        operation[i][j] = DELETION;
                    }
                    long left = cost[i][j - 1] + 1;
                    if (cost[i][j] > left) {
                        cost[i][j] = left;
                        operation[i][j] = INSERTION;
                    }
                }
            }
            previous = hypothesis;
            previousCost = cost;
            previousOperation = operation;
            StringBuilder reversedTrace = new StringBuilder();
            int i = hypothesisLength;
            int j = referenceLength;
            while (i > 0 || j > 0) {
                char step = operation[i][j];
                reversedTrace.append(step);
                switch (step) {
                    case SUBSTITUTION, MATCH -> {
                        i--;
                        j--;
                    }
                    case INSERTION -> j--;
                    case DELETION -> i--;
                    default -> throw new IllegalStateException("unknown edit operation '" + step + "'");
                }
            }
            return new Result(cost[hypothesisLength][referenceLength], reversedTrace.reverse().toString());
        }
    }
}
