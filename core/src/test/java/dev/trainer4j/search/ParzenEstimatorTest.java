package dev.trainer4j.search;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Parzen estimator against {@code search/parzen_reference.json}, written by {@code parzen_reference.py} with
 * numpy and scipy's truncnorm (an independent implementation of Optuna's univariate estimator).
 */
final class ParzenEstimatorTest {

    @Test
    void sigmasWeightsAndDensityMatchTheScipyReference() throws IOException {
        List<Map<String, Object>> cases;
        try (InputStream in = getClass().getResourceAsStream("/search/parzen_reference.json")) {
            cases = new ObjectMapper().readValue(in, new TypeReference<>() { });
        }
        assertThat(cases).hasSize(4);
        double worst = 0;
        for (Map<String, Object> reference : cases) {
            double[] observations = doubles(reference.get("observations"));
            double low = ((Number) reference.get("low")).doubleValue();
            double high = ((Number) reference.get("high")).doubleValue();
            ParzenEstimator estimator = new ParzenEstimator(observations, low, high);
            assertThat(estimator.sigmas()).containsExactly(doubles(reference.get("sigmas")), within(1e-12));
            assertThat(estimator.weights()).containsExactly(doubles(reference.get("weights")), within(1e-12));
            double[] xs = doubles(reference.get("x"));
            double[] expected = doubles(reference.get("log_density"));
            for (int i = 0; i < xs.length; i++) {
                double error = Math.abs(estimator.logDensity(xs[i]) - expected[i]);
                worst = Math.max(worst, error);
            }
        }
        // the normal CDF comes from an erfc fit with an absolute error below 1.2e-7
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void samplesStayInsideTheRange() {
        ParzenEstimator estimator = new ParzenEstimator(new double[] {0.0, 0.05, 0.99}, 0, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            assertThat(estimator.sample(random)).isBetween(0.0, 1.0);
        }
    }

    @Test
    void observationWeightsRampForOldTrialsFrom25On() {
        assertThat(ParzenEstimator.observationWeights(3)).containsExactly(1, 1, 1);
        double[] weights = ParzenEstimator.observationWeights(27);
        // numpy.linspace(1/27, 1, 2) then 25 ones
        assertThat(weights[0]).isCloseTo(1.0 / 27, within(1e-15));
        assertThat(weights[1]).isEqualTo(1.0);
        assertThat(weights[26]).isEqualTo(1.0);
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(value -> ((Number) value).doubleValue()).toArray();
    }
}
