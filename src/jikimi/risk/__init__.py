"""Risk assessment: features, the scorer the service uses, and (offline) synth, train, evaluate."""
