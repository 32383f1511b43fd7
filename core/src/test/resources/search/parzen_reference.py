#!/usr/bin/python3
"""Reference values for ParzenEstimatorTest: the log density of Optuna's univariate Parzen estimator (optuna 3.x
_ParzenEstimator with consider_prior, prior_weight=1, consider_magic_clip, consider_endpoints=False, default_weights),
written with numpy and scipy.stats.truncnorm. Run: /usr/bin/python3 parzen_reference.py > parzen_reference.json"""
import json
import numpy as np
from scipy.stats import truncnorm


def estimator(observations, low, high):
    obs = np.asarray(observations, dtype=float)
    n = len(obs)
    mus = np.append(obs, 0.5 * (low + high))
    sigma = np.zeros(n + 1)
    if n > 0:
        order = np.argsort(mus, kind="stable")
        sorted_mus = mus[order]
        ends = np.concatenate([[low], sorted_mus, [high]])
        s = np.maximum(ends[1:-1] - ends[0:-2], ends[2:] - ends[1:-1])
        if len(ends) >= 4:
            s[0] = ends[2] - ends[1]
            s[-1] = ends[-2] - ends[-3]
        sigma[order] = s
    width = high - low
    sigma = np.clip(sigma, width / min(100.0, 1.0 + n + 1), width)
    sigma[-1] = width
    if n < 25:
        w = np.ones(n)
    else:
        ramp = np.linspace(1.0 / n, 1.0, num=n - 25)
        w = np.concatenate([ramp, np.ones(25)])
    w = np.append(w, 1.0)
    w = w / w.sum()
    return mus, sigma, w


def log_density(x, mus, sigma, w, low, high):
    a = (low - mus) / sigma
    b = (high - mus) / sigma
    pdf = truncnorm.pdf(x, a, b, loc=mus, scale=sigma)
    return float(np.log(np.sum(w * pdf)))


cases = []
for observations, low, high in [([0.2, 0.5], 0.0, 1.0),
                                ([], -2.0, 3.0),
                                ([-9.2, -6.9, -4.6, -8.0, -3.0], np.log(1e-4), np.log(1e-1)),
                                ([0.1 * i for i in range(30)], 0.0, 3.0)]:
    mus, sigma, w = estimator(observations, low, high)
    xs = list(np.linspace(low, high, 7))
    cases.append({"observations": observations, "low": low, "high": high, "sigmas": list(sigma), "weights": list(w),
                  "x": xs, "log_density": [log_density(x, mus, sigma, w, low, high) for x in xs]})
print(json.dumps(cases, indent=1))
