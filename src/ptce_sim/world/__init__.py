"""World layer: the Mesa model of one territory, its state, metrics and runs."""
