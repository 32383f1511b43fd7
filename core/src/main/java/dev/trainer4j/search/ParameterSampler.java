package dev.trainer4j.search;

import dev.trainer4j.api.TrialResult;

import java.util.List;
import java.util.Map;

/** Chooses the parameters of the next trial of a search, from the trials finished so far. */
interface ParameterSampler {

    /**
     * The value of every parameter of the space for trial {@code number}, in the space's order.
     *
     * @param finished the trials finished before this one is sampled, in the order they finished
     */
    Map<String, Object> sample(int number, List<TrialResult> finished);
}
