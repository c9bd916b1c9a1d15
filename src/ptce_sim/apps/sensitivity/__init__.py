"""Sensitivity analysis and scenario discovery (``ptce-sim sensitivity``, ``ptce-sim discover``).

One job per module::

    spec.py      experiment file (TOML) -> validated Experiment
    design.py    Experiment -> SALib sample and design points; common random numbers
    runner.py    design points x replicates -> runs table   <- the runner boundary
    analysis.py  runs table -> indices, convergence, replicate-noise share
    report.py    indices.csv, convergence.csv, noise.csv, plots, summary.md
    discover.py  runs table -> one box where an output clears a threshold
    study.py     one study end to end, written atomically (resumable)
    commands.py  the click commands registered by apps/cli.py

The execution engine is reached through one function only, ``runner.run_points`` (type
``runner.RunPoints``), passed to ``study.run_study(runner=...)``: the sweep engine
replaces it there. SALib and scikit-learn are imported inside the functions that use
them (optional extra ``sensitivity``). How to read the results: ``docs/sensitivity.md``.
"""
