package signals

import "math"

// PoissonUpper returns P(X ≥ k) for X ~ Poisson(lambda): the regularised
// lower incomplete gamma P(k, λ), summed exactly in log space. Above the
// mean it sums the falling terms P(X = j), j ≥ k, from the largest; at or
// below it returns 1 − P(X ≤ k−1), where no tiny probability is lost.
func PoissonUpper(k int, lambda float64) float64 {
	switch {
	case k <= 0:
		return 1
	case lambda <= 0:
		return 0
	}
	logTerm := func(j int) float64 { // log P(X = j)
		lg, _ := math.Lgamma(float64(j) + 1)
		return -lambda + float64(j)*math.Log(lambda) - lg
	}
	if float64(k) > lambda {
		// Σ_{j≥k} t_j = t_k (1 + λ/(k+1) + λ²/((k+1)(k+2)) + …)
		sum, r := 1.0, 1.0
		for j := k + 1; ; j++ {
			r *= lambda / float64(j)
			sum += r
			if r < sum*1e-17 {
				break
			}
		}
		return math.Min(1, math.Exp(logTerm(k)+math.Log(sum)))
	}
	// Σ_{j<k} t_j = t_{k−1} (1 + (k−1)/λ + (k−1)(k−2)/λ² + …)
	sum, r := 1.0, 1.0
	for j := k - 1; j > 0; j-- {
		r *= float64(j) / lambda
		sum += r
		if r < sum*1e-17 {
			break
		}
	}
	return math.Max(0, 1-math.Exp(logTerm(k-1)+math.Log(sum)))
}
