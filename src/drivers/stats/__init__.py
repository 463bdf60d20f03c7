"""Statistics: NPS, key-driver importance, priority matrix, what-if simulation, benchmarks.

Every number a report shows comes from a public, documented, weighted and tested function
here. Nothing in this package imports the presentation or workflow packages.
"""
