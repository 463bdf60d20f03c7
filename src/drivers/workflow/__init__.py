"""Workflow: client configuration, ``dr.analyse`` (one analysis per wave), saved results,
the notebook runner and the command line. Orchestration only: no formulas here.
"""
