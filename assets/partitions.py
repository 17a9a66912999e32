"""Batches of input files as Dagster partitions.

A partition is a batch (`pipeline.inventory`): the landing-folder sensor plans new batches as files
arrive and adds one partition per batch, so each arrival is processed, shown and re-run on its
own. Batches are dynamic partitions rather than daily ones because articles arrive in any order of
publication date (a backfill of 1987 wire copy and today's news land side by side), and a batch
written by one run never needs another run's files. The tables themselves are laid out by
publication year and month, so readers prune by date whatever batch a row came from.
"""

import dagster as dg

BATCHES = dg.DynamicPartitionsDefinition(name="batches")
