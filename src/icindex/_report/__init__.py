"""Where a city stands: samples, peers, comparison, advice and reports."""
