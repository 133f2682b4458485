"""Uncertainty and sensitivity analysis: re-scoring under perturbed choices, and Sobol indices."""
