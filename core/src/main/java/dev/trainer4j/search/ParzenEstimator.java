package dev.trainer4j.search;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The Parzen estimator of one numeric parameter on its scale, as Optuna's univariate {@code _ParzenEstimator}
 * (consider_prior, prior_weight = 1, consider_magic_clip, consider_endpoints = false): one truncated normal kernel
 * per observation plus a prior kernel (mean at the middle of the range, sigma the range's width). A kernel's sigma
 * is the larger distance to its neighbours among the sorted means (the range's ends count as neighbours, except that
 * the outermost kernels use their inner neighbour's distance), clipped to
 * {@code [width / min(100, 1 + kernels), width]}. Weights: {@link #observationWeights} then the prior's 1,
 * normalised.
 */
final class ParzenEstimator {
    private static final double PRIOR_WEIGHT = 1.0;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double low;
    private final double high;
    private final double[] means;
    private final double[] sigmas;
    private final double[] weights;
    /** log of each kernel's mass inside [low, high]. */
    private final double[] logMass;

    /**
     * @param observations the points on the parameter's scale, oldest trial first (the weights depend on the order)
     */
    ParzenEstimator(double[] observations, double low, double high) {
        this.low = low;
        this.high = high;
        int n = observations.length;
        int kernels = n + 1;
        means = Arrays.copyOf(observations, kernels);
        means[n] = 0.5 * (low + high);
        double width = high - low;
        sigmas = new double[kernels];
        if (n > 0) {
            Integer[] order = new Integer[kernels];
            for (int i = 0; i < kernels; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(means[a], means[b]));
            double[] sorted = new double[kernels + 2];
            sorted[0] = low;
            sorted[kernels + 1] = high;
            for (int i = 0; i < kernels; i++) {
                sorted[i + 1] = means[order[i]];
            }
            double[] sortedSigma = new double[kernels];
            for (int i = 0; i < kernels; i++) {
                sortedSigma[i] = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
            }
            if (sorted.length >= 4) {
                sortedSigma[0] = sorted[2] - sorted[1];
                sortedSigma[kernels - 1] = sorted[kernels] - sorted[kernels - 1];
            }
            for (int i = 0; i < kernels; i++) {
                sigmas[order[i]] = sortedSigma[i];
            }
        }
        double minSigma = width / Math.min(100.0, 1.0 + kernels);
        for (int i = 0; i < kernels; i++) {
            sigmas[i] = Math.max(minSigma, Math.min(width, sigmas[i]));
        }
        sigmas[n] = width;
        double[] raw = Arrays.copyOf(observationWeights(n), kernels);
        raw[n] = PRIOR_WEIGHT;
        double total = Arrays.stream(raw).sum();
        weights = new double[kernels];
        logMass = new double[kernels];
        for (int i = 0; i < kernels; i++) {
            weights[i] = raw[i] / total;
            double mass = normalCdf((high - means[i]) / sigmas[i]) - normalCdf((low - means[i]) / sigmas[i]);
            logMass[i] = Math.log(Math.max(mass, 1e-300));
        }
        if (width == 0) {
            Arrays.fill(sigmas, 1.0);
            Arrays.fill(logMass, 0.0);
        }
    }

    /** The kernels' sigmas, the prior's last. */
    double[] sigmas() {
        return sigmas.clone();
    }

    /** The kernels' normalised weights, the prior's last. */
    double[] weights() {
        return weights.clone();
    }

    /**
     * Optuna's {@code default_weights}: all 1 below 25 observations; from 25 on, the 25 newest weigh 1 and the older
     * ones ramp linearly from {@code 1/n} up to 1.
     */
    static double[] observationWeights(int n) {
        double[] weights = new double[n];
        if (n < 25) {
            Arrays.fill(weights, 1.0);
            return weights;
        }
        int ramp = n - 25;
        for (int i = 0; i < ramp; i++) {
            weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        }
        Arrays.fill(weights, ramp, n, 1.0);
        return weights;
    }

    /** A draw from the mixture: a kernel by weight, then its normal truncated to the range. */
    double sample(SplittableRandom random) {
        if (high == low) {
            return low;
        }
        double pick = random.nextDouble();
        int kernel = 0;
        double cumulative = weights[0];
        while (pick >= cumulative && kernel < weights.length - 1) {
            kernel++;
            cumulative += weights[kernel];
        }
        for (int attempt = 0; attempt < 1000; attempt++) {
            double value = means[kernel] + sigmas[kernel] * gaussian(random);
            if (value >= low && value <= high) {
                return value;
            }
        }
        return Math.max(low, Math.min(high, means[kernel]));
    }

    /** The log density of the mixture at {@code x} (each kernel renormalised to the range). */
    double logDensity(double x) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[means.length];
        for (int i = 0; i < means.length; i++) {
            double z = (x - means[i]) / sigmas[i];
            terms[i] = Math.log(weights[i]) - 0.5 * z * z - LOG_SQRT_2PI - Math.log(sigmas[i]) - logMass[i];
            max = Math.max(max, terms[i]);
        }
        double sum = 0;
        for (double term : terms) {
            sum += Math.exp(term - max);
        }
        return max + Math.log(sum);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller on the sampler's own stream, so that draws depend on the seed only
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The standard normal CDF through erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
    static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
