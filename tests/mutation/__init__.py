"""Mutation testing over a fixed, curated catalogue of meaningful mutants.

Each mutant is one modelling error written as an exact text replacement in one file
(:mod:`tests.mutation.catalogue`); the runner (:mod:`tests.mutation.runner`, run with
``python -m tests.mutation``) applies it to a temporary copy of the tree and runs the tests.
Nothing here is collected by pytest (no ``test_`` names).
"""
