"""Test helpers of the framework: ``queries`` (a query-count assertion for list pages).

The test cast and the shared fixtures live in ``ohsteward.accounts.testing``.
"""
